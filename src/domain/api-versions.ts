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
  /**
   * Where its scopes come from: a file of HubSpot's public spec collection at a commit, or, where
   * HubSpot publishes none, the source it follows instead (docs/compatibility.md shows this).
   */
  scopeSource: string;
}

const CRM_TYPES = ['contacts', 'companies', 'deals'] as const;

/**
 * HubSpot's timeline alternatives (each alone suffices): per CRM type its object scope, the
 * sensitive and highly sensitive v2 variants and its schema scope; `tickets` and its v2 variants;
 * and the timeline scope.
 */
function timelineScopes(access: 'read' | 'write', timeline: string): string[] {
  return [
    ...CRM_TYPES.flatMap((type) => [
      `crm.objects.${type}.${access}`,
      `crm.objects.${type}.sensitive.${access}.v2`,
      `crm.objects.${type}.highly_sensitive.${access}.v2`,
      `crm.schemas.${type}.${access}`,
    ]),
    'tickets',
    'tickets.sensitive.v2',
    'tickets.highly_sensitive.v2',
    timeline,
  ];
}

const TIMELINE_WRITE = timelineScopes('write', 'timeline');
const TIMELINE_READ = timelineScopes('read', 'timeline');
const V3_SPEC = '`CRM/Timeline/Rollouts/147898/v3/timeline.json` at `09dcebd4` (2026-06-15)';
const APP_EVENTS_SPEC = '`CRM/Timeline/Rollouts/147898/2026-03/timeline.json` at `bc2ac282` (2026-06-15)';

export const API_VERSIONS: readonly ApiVersion[] = [
  {
    name: 'v3',
    kind: 'timeline-v3',
    // The official Node client 12+ uses the first; client 11 and older, and many guides, the second.
    prefixes: ['/integrators/timeline/v3', '/crm/v3/timeline'],
    // The developer API key (`?hapikey=`) is taken on the template routes besides these: HubSpot's
    // guides and its Node client use it, though the spec's newest version lists OAuth only.
    scopes: {
      'templates.read': ['developers-read'],
      'templates.write': ['developers-write'],
      'events.write': TIMELINE_WRITE,
      // `/render` and `/detail` left the spec on 2026-02-10; they keep its last read scopes, these.
      'events.read': TIMELINE_READ,
    },
    scopeSource: V3_SPEC,
  },
  {
    name: 'v4',
    kind: 'app-events',
    prefixes: ['/integrators/timeline/v4'],
    scopes: { 'events.write': TIMELINE_WRITE, 'types.read': ['developers-read'] },
    sunset: '2027-03-30',
    scopeSource: `no v4 spec is published; ${APP_EVENTS_SPEC}, whose operations v4 serves`,
  },
  {
    name: '2026-03',
    kind: 'app-events',
    prefixes: ['/integrators/timeline/2026-03'],
    scopes: { 'events.write': TIMELINE_WRITE, 'types.read': ['developers-read'] },
    scopeSource: APP_EVENTS_SPEC,
  },
  {
    name: '2026-09',
    kind: 'app-events',
    prefixes: ['/integrators/timeline/2026-09'],
    scopes: {
      'events.write': [
        ...CRM_TYPES.flatMap((type) => [
          `crm.objects.${type}.write`,
          `crm.objects.${type}.sensitive.write.v2`,
          `crm.objects.${type}.highly_sensitive.write.v2`,
          `crm.schemas.${type}.write`,
        ]),
        'crm.objects.tickets.sensitive.write',
        'crm.objects.tickets.highly_sensitive.write',
        'tickets.sensitive.v2',
        'tickets.highly_sensitive.v2',
        'timeline-write',
      ],
      'types.read': ['developers-read'],
    },
    scopeSource:
      'no 2026-09 spec is in the collection now; the scopes the contract recorded from it (`timeline-write` in place of `timeline`)',
  },
];

/** Every scope some operation of some version accepts. */
export function allScopes(): string[] {
  return [...new Set(API_VERSIONS.flatMap((version) => Object.values(version.scopes).flat()))];
}

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
