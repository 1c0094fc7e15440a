/**
 * Every API version this server serves, in one table: its path prefixes, what kind of API it is,
 * the scopes each of its operations accepts, and its sunset where HubSpot states one. Routes are
 * registered from it, scope checks read it, and the tests, the route fuzzer, the command line and
 * the docs' scope table iterate it; adding HubSpot's next dated version is adding a row.
 *
 * Scopes are alternatives: a token holding any one of an operation's scopes may call it.
 */

/** v3's template and event routes, or the current platform's app events. */
export type ApiKind = 'timeline-v3' | 'app-events';

/** The operations whose scopes differ. */
export type Operation =
  /** v3: list and read event templates (a developer API key, or a token with one of these). */
  | 'templates.read'
  /** v3: create, change and delete event templates and their tokens. */
  | 'templates.write'
  /** Create events (v3) or occurrences (app events). */
  | 'events.write'
  /** v3: read and render an event. */
  | 'events.read'
  /** App events: read the app's event type names (`/types/projects`). */
  | 'types.read';

export interface ApiVersion {
  /** The version as it appears in paths: `v3`, `v4`, `2026-03`, ... */
  name: string;
  kind: ApiKind;
  /** Every path prefix it answers under (v3 has HubSpot's old prefix too). */
  prefixes: readonly string[];
  scopes: Readonly<Partial<Record<Operation, readonly string[]>>>;
  /** The last day HubSpot serves it, where HubSpot states one (ISO date). */
  sunset?: string;
}

const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets'] as const;
const objectScopes = (access: 'read' | 'write') =>
  OBJECT_TYPES.map((type) => `crm.objects.${type}.${access}`);

/** Timeline writes accept `timeline` or any CRM object write scope. */
const TIMELINE_WRITE = ['timeline', ...objectScopes('write')];
/** Timeline reads accept those, or any CRM object read scope. */
const TIMELINE_READ = [...TIMELINE_WRITE, ...objectScopes('read')];

export const API_VERSIONS: readonly ApiVersion[] = [
  {
    name: 'v3',
    kind: 'timeline-v3',
    // The official Node client 12+ uses the first; client 11 and older, and many guides, the second.
    prefixes: ['/integrators/timeline/v3', '/crm/v3/timeline'],
    scopes: {
      'templates.read': ['developers-read', 'developers-write'],
      'templates.write': ['developers-write'],
      'events.write': TIMELINE_WRITE,
      'events.read': TIMELINE_READ,
    },
  },
  {
    name: 'v4',
    kind: 'app-events',
    prefixes: ['/integrators/timeline/v4'],
    scopes: { 'events.write': TIMELINE_WRITE, 'types.read': ['developers-read'] },
    sunset: '2027-03-30',
  },
  {
    name: '2026-03',
    kind: 'app-events',
    prefixes: ['/integrators/timeline/2026-03'],
    scopes: { 'events.write': TIMELINE_WRITE, 'types.read': ['developers-read'] },
  },
  {
    name: '2026-09',
    kind: 'app-events',
    prefixes: ['/integrators/timeline/2026-09'],
    // 2026-09 renames `timeline` to `timeline-write`.
    scopes: {
      'events.write': ['timeline-write', ...objectScopes('write')],
      'types.read': ['developers-read'],
    },
  },
];

/** The versions of one kind. */
export function versionsOf(kind: ApiKind): readonly ApiVersion[] {
  return API_VERSIONS.filter((version) => version.kind === kind);
}

/** The scopes an operation of a version accepts; a version without the operation accepts none. */
export function scopesFor(version: ApiVersion, operation: Operation): readonly string[] {
  return version.scopes[operation] ?? [];
}

/** The v3 row (the templates and events API every other part of the server speaks). */
export const V3 = API_VERSIONS.find((version) => version.kind === 'timeline-v3') as ApiVersion;

/**
 * What a token needs to read timelines outside HubSpot's paths (the record timeline API and the web
 * UI, ours): any scope that lets it read a timeline event of v3.
 */
export const TIMELINE_READ_SCOPES = scopesFor(V3, 'events.read');
