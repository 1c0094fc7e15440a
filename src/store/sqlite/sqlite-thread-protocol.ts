/**
 * The messages between `SqliteThreadClient` (main thread) and `sqlite-thread.ts` (the thread that
 * owns the SQLite connection). Requests are a discriminated union: a plain store call names its
 * method with that method's own argument types; event writes travel already packed, because the
 * thread group-commits them. Replies carry a result or an error that keeps its store-error kind.
 */
import type { Store } from '../../domain/store.js';
import type { StoreErrorKind } from '../../domain/store-errors.js';
import type { EventWriteOptions } from './sqlite-event-writer.js';
import type { CrossingWrites } from './thread-crossing.js';

/** Store methods that cross the thread as they are (writes are packed; close ends the thread). */
export type PlainMethod = Exclude<keyof Store, 'writeEvents' | 'sharedRequestCounts'>;

/**
 * Every plain method, at run time: the client forwards each of them to the thread and the thread
 * answers only these. The type makes the compiler list a method added to the port or removed from it.
 */
const PLAIN_METHOD_TABLE: Record<PlainMethod, true> = {
  migrate: true,
  close: true,
  reset: true,
  // Tenants and credentials
  getMeta: true,
  setMeta: true,
  ensurePortal: true,
  getPortal: true,
  ensureDeveloperAccount: true,
  findDeveloperAccount: true,
  ensureApp: true,
  findApp: true,
  ensureAccessToken: true,
  findAccessToken: true,
  deleteAccessToken: true,
  insertSession: true,
  findSession: true,
  deleteSession: true,
  // Templates and app event types
  listTemplates: true,
  getTemplate: true,
  insertTemplate: true,
  replaceTemplate: true,
  deleteTemplate: true,
  findAppEventType: true,
  templateHasEvents: true,
  // Records and custom object schemas
  createRecord: true,
  getRecord: true,
  updateRecord: true,
  archiveRecord: true,
  listRecords: true,
  findContactByEmail: true,
  insertObjectSchema: true,
  listObjectSchemas: true,
  getObjectSchema: true,
  // Events, timelines and the web UI's reads
  getEvent: true,
  readTimeline: true,
  listRecordActivity: true,
  recordPropertyTimes: true,
  listTemplatePage: true,
  sampleTemplateEvents: true,
  // OAuth
  ensureOAuthClient: true,
  findOAuthClient: true,
  insertOAuthCode: true,
  useOAuthCode: true,
  insertRefreshToken: true,
  findRefreshToken: true,
  revokeRefreshToken: true,
  isTrustedPortal: true,
  setTrustedPortal: true,
  // Rate-limit counts
  countRequest: true,
  loadDailyRequestCounts: true,
  saveDailyRequestCounts: true,
  setPortalRateLimit: true,
  getPortalRateLimit: true,
};

export const PLAIN_METHODS = Object.keys(PLAIN_METHOD_TABLE) as PlainMethod[];

export function isPlainMethod(name: unknown): name is PlainMethod {
  return typeof name === 'string' && Object.hasOwn(PLAIN_METHOD_TABLE, name);
}

export type PlainCall = {
  [M in PlainMethod]: { kind: 'call'; id: number; method: M; args: Parameters<Store[M]> };
}[PlainMethod];

export interface WriteEventsCall {
  kind: 'write-events';
  id: number;
  writes: CrossingWrites;
  options: EventWriteOptions;
}

export type ThreadRequest = PlainCall | WriteEventsCall;

/** An error as it crosses the thread: a structured clone would drop its class and code. */
export interface ThreadError {
  name: string;
  message: string;
  /** Set when it is one of the store's own errors (domain/store-errors.ts). */
  storeKind?: StoreErrorKind;
}

export type ThreadReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ThreadError };

export interface ThreadData {
  path: string;
}
