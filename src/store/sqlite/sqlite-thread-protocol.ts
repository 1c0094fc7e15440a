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
