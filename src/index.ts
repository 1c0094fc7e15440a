/**
 * The package's programmatic API: start a server from a test suite, drive it from code, close it.
 *
 *   import { startTimelineServer } from 'hubspot-timeline-server';
 *   const server = await startTimelineServer();            // in memory, a free port, silent
 *   const client = new Client({ basePath: server.url, accessToken: server.accessToken });
 *   ...
 *   await server.reset();                                   // between tests
 *   await server.close();
 *
 * Every method acts on the server in this process directly (no HTTP round trip); the admin API
 * (`/_admin/v1/...`) does the same from any language. See docs/testing.md.
 */
import { loadConfig } from './config.js';
import type { Fault, FaultMatch, FaultStatus } from './domain/faults.js';
import { pathMatcher } from './domain/path-match.js';
import type { JournalEntry, JournalFilter } from './domain/request-journal.js';
import type { SeedResult } from './domain/seed-service.js';
import { readFixture, startServer } from './server.js';

export { ApiError } from './errors.js';
export type { Fault, FaultMatch, FaultStatus, JournalEntry, SeedResult };

export interface TimelineServerOptions {
  /** `':memory:'` (default), a SQLite file path, or a `postgres://` URL. */
  db?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  portalId?: number;
  appId?: number;
  accessToken?: string;
  developerApiKey?: string;
  adminToken?: string;
  /** IANA zone of the provisioned portal (default UTC). */
  timeZone?: string;
  /** HubSpot's rate limits: `free` (default), `professional`, `enterprise`, `marketplace`, `off`, or `100/10s,250000/day`. */
  rateLimit?: string;
  /** A fixture to load at start: the object, or the path of a JSON file. */
  seed?: SeedFixture | string;
  /** fatal, error, warn, info, debug, trace or silent (default). */
  logLevel?: string;
  /** Requests the journal keeps (default 1000). */
  journalSize?: number;
  /** Create a missing CRM record for an unknown objectId instead of failing (default false). */
  autoCreateRecords?: boolean;
}

/** A seed fixture: see docs/testing.md for every field. */
export interface SeedFixture {
  portals?: { id: number; timeZone?: string; rateLimit?: string | null }[];
  developerAccounts?: { apiKey: string; appIds?: number[] }[];
  accessTokens?: { token: string; portalId?: number; appId?: number; scopes?: string[] }[];
  templates?: ({ ref: string; appId?: number; name: string } & Record<string, unknown>)[];
  records?: {
    portalId?: number;
    objectType?: string;
    properties: Record<string, string | number | boolean | null>;
  }[];
  events?: ({ template: string; portalId?: number } & Record<string, unknown>)[];
}

/** What `POST /_admin/v1/faults` takes. */
export interface FaultInput {
  match?: { method?: string; path?: string; portalId?: number };
  status?: FaultStatus;
  delayMs?: number;
  times?: number;
  probability?: number;
  seed?: number;
}

/** Filters of the request journal; `path` is a prefix, or a glob when it has `*`, `?`, `[` or `{`. */
export interface RequestFilter {
  path?: string;
  method?: string;
  status?: number;
  portalId?: number;
  limit?: number;
}

export interface TimelineServer {
  /** `http://127.0.0.1:<port>`: the official client's `basePath`. */
  readonly url: string;
  readonly portalId: number;
  readonly appId: number;
  /** Bearer token of the portal and app (timeline and CRM object scopes). */
  readonly accessToken: string;
  /** `?hapikey=` of the developer account owning the app. */
  readonly developerApiKey: string;
  /** Bearer token of the `/_admin/v1` routes. */
  readonly adminToken: string;
  /** Back to the state right after start (or one portal's data only); the credentials above still work. */
  reset(options?: { portalId?: number }): Promise<void>;
  /** Loads a fixture, all or nothing (an invalid one throws an ApiError listing every invalid entry). */
  seed(fixture: SeedFixture): Promise<SeedResult>;
  /** Recent requests on HubSpot's routes, newest first. */
  requests(filter?: RequestFilter): JournalEntry[];
  /** Makes matching requests fail or wait; returns the fault with its id. */
  addFault(fault: FaultInput): Fault;
  clearFaults(): void;
  /** Moves the server's clock forward (rate-limit windows, default event timestamps). */
  advanceClock(ms: number): void;
  /** Stops listening and frees everything (store, worker thread, timers). */
  close(): Promise<void>;
}

export async function startTimelineServer(options: TimelineServerOptions = {}): Promise<TimelineServer> {
  const settings: Record<string, unknown> = {
    db: ':memory:',
    port: 0,
    logLevel: 'silent',
  };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && key !== 'seed')
      settings[key] = typeof value === 'number' ? String(value) : value;
  }
  if (options.autoCreateRecords !== undefined) settings.autoCreateRecords = String(options.autoCreateRecords);
  const config = loadConfig(settings, () => 'code');
  const running = await startServer(config);
  const { deps, credentials } = running;
  try {
    if (options.seed !== undefined) {
      const fixture = typeof options.seed === 'string' ? await readFixture(options.seed) : options.seed;
      await deps.seeds.seed(fixture, deps.seedDefaults);
    }
  } catch (error) {
    await running.close();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    url: running.url,
    portalId: credentials.portalId,
    appId: credentials.appId,
    accessToken: credentials.accessToken,
    developerApiKey: credentials.developerApiKey,
    adminToken: credentials.adminToken,
    reset: (resetOptions = {}) => deps.resets.reset(resetOptions.portalId),
    seed: (fixture) => deps.seeds.seed(fixture, deps.seedDefaults),
    requests: (filter = {}) => {
      const { path, method, ...rest } = filter;
      const journalFilter: JournalFilter = { ...rest };
      if (path !== undefined) journalFilter.pathMatches = pathMatcher(path);
      if (method !== undefined) journalFilter.method = method.toUpperCase();
      return deps.journal.list(journalFilter);
    },
    addFault: (fault) => deps.faults.add(fault),
    clearFaults: () => deps.faults.clear(),
    advanceClock: (ms) => {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError('advanceClock takes a number of milliseconds >= 0');
      deps.clock.advance(ms);
    },
    close: () => {
      closed ??= running.close().then(() => undefined);
      return closed;
    },
  };
}
