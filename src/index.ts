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
import { type ClockState, changeClock, clockState, instantOf } from './domain/clock-change.js';
import { type Fault, type FaultInput, readFaultInput } from './domain/faults.js';
import {
  expectRequests,
  journalFilter,
  type RequestExpectation,
  type RequestMatch,
  waitForRequest,
} from './domain/request-expectations.js';
import type { JournalEntry } from './domain/request-journal.js';
import type { SeedFixture, SeedResult } from './domain/seed-service.js';
import { readFixture, startServer } from './server.js';

export type { ClockChange, ClockState } from './domain/clock-change.js';
export type {
  Fault,
  FaultAction,
  FaultInput,
  FaultMatch,
  FaultStatus,
  FaultWhen,
} from './domain/faults.js';
export type { RequestExpectation, RequestMatch } from './domain/request-expectations.js';
export { ApiError } from './errors.js';
export type { JournalEntry, SeedFixture, SeedResult };

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
  /** Honour a request's own `X-Timeline-Fault` header (default true here; off for `serve`). */
  allowFaultHeader?: boolean;
  /**
   * `/oauth/authorize` installs the provisioned app into the provisioned portal at once, without an
   * approval page (default true here, as a test suite wants; off for `serve`: docs/security.md).
   */
  oauthAutoApprove?: boolean;
}

/** Filters of the request journal; `path` is a prefix, or a glob when it has `*`, `?`, `[` or `{`. */
export interface RequestFilter extends RequestMatch {
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
  /** How many requests of the journal match. */
  countRequests(match?: RequestMatch): number;
  /**
   * The matching requests (newest first) when their number is as expected (`count`, `atLeast`,
   * `atMost`; default at least 1); otherwise throws an AssertionError listing the closest requests seen.
   */
  expectRequests(expectation: RequestExpectation): JournalEntry[];
  /** Resolves with the newest matching request once the journal has `atLeast` (default 1) of them. */
  waitForRequest(
    match: RequestMatch & { atLeast?: number },
    options?: { timeoutMs?: number },
  ): Promise<JournalEntry>;
  /** Makes matching requests fail, wait or break; returns the fault with its id. */
  addFault(fault: FaultInput): Fault;
  /** Removes one fault; false when none has that id. */
  removeFault(id: string): boolean;
  clearFaults(): void;
  /** The server's clock: its time, whether it is frozen, how far it is from real time. */
  clock(): ClockState;
  /** Stops the server's clock at its current instant. */
  freezeClock(): ClockState;
  /** Lets a frozen clock run again from the instant it stood at. */
  resumeClock(): ClockState;
  /** Puts the clock at an instant (either direction), frozen or running as it was. */
  setClock(instant: string | Date | number): ClockState;
  /** Moves the server's clock forward (rate-limit windows, default event timestamps, token expiry). */
  advanceClock(ms: number): ClockState;
  /** Back to real time, running. */
  resetClock(): ClockState;
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
  // A test server: a request may name its own fault.
  settings.allowFaultHeader = String(options.allowFaultHeader ?? true);
  settings.oauthAutoApprove = String(options.oauthAutoApprove ?? true);
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
      const { limit, ...match } = filter;
      return deps.journal.list(
        limit === undefined ? journalFilter(match) : { ...journalFilter(match), limit },
      );
    },
    countRequests: (match = {}) => deps.journal.countOf(journalFilter(match)),
    expectRequests: (expectation) => expectRequests(deps.journal, expectation),
    waitForRequest: (match, waitOptions) => waitForRequest(deps.journal, match, waitOptions),
    addFault: (fault) => deps.faults.add(readFaultInput(fault)),
    removeFault: (id) => deps.faults.remove(id),
    clearFaults: () => deps.faults.clear(),
    clock: () => clockState(deps.clock),
    freezeClock: () => changeClock(deps.clock, { freeze: true }),
    resumeClock: () => changeClock(deps.clock, { freeze: false }),
    setClock: (instant) => {
      deps.clock.setTo(instantOf(typeof instant === 'number' ? new Date(instant) : instant, 'instant'));
      return clockState(deps.clock);
    },
    advanceClock: (ms) => {
      if (!Number.isInteger(ms) || ms < 0)
        throw new RangeError('advanceClock takes a whole number of milliseconds >= 0');
      deps.clock.advance(ms);
      return clockState(deps.clock);
    },
    resetClock: () => {
      deps.clock.realTime();
      return clockState(deps.clock);
    },
    close: () => {
      closed ??= running.close().then(() => undefined);
      return closed;
    },
  };
}
