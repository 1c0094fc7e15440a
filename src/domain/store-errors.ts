/**
 * The store's own failures, in domain terms. Each adapter turns its driver's errors into these
 * (`sqlite/sqlite-errors.ts`, `postgres/postgres-errors.ts`), so nothing above the store ever sees a
 * driver code: the HTTP layer answers 503 for an unavailable store, and the CLI explains a database
 * it cannot open. Anything else a store throws is a bug (500).
 */

/** What kind of store failure it is; kept when the error crosses a thread. */
export type StoreErrorKind = 'unavailable' | 'cannot-open' | 'corrupt';

export abstract class StoreError extends Error {
  abstract readonly kind: StoreErrorKind;
}

/** The database is unreachable or refused the work for now (down, disk full, busy): retry later. */
export class StoreUnavailableError extends StoreError {
  readonly kind = 'unavailable';
  override name = 'StoreUnavailableError';
}

/** The database named by the settings cannot be opened at all; the message says why and how to fix. */
export class StoreCannotOpenError extends StoreError {
  readonly kind = 'cannot-open';
  override name = 'StoreCannotOpenError';
}

/** The database file is damaged or is not a database of ours. */
export class StoreCorruptError extends StoreError {
  readonly kind = 'corrupt';
  override name = 'StoreCorruptError';
}

const BY_KIND: Record<StoreErrorKind, new (message: string) => StoreError> = {
  unavailable: StoreUnavailableError,
  'cannot-open': StoreCannotOpenError,
  corrupt: StoreCorruptError,
};

/** A store error of that kind (used where an error is rebuilt after crossing a thread). */
export function storeError(kind: StoreErrorKind, message: string): StoreError {
  return new BY_KIND[kind](message);
}

export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof StoreUnavailableError;
}
