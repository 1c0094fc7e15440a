/**
 * PostgreSQL's and the pg driver's failures as the store's own errors (`domain/store-errors.ts`):
 * a lost or refused connection and a server shutting down are "unavailable" (the HTTP layer answers
 * 503 and the pool reconnects once PostgreSQL is back); everything else is left as it is.
 */
import { StoreUnavailableError } from '../../domain/store-errors.js';

/** Socket errors and SQLSTATEs that mean the database cannot be reached or will not work now. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '53300', // too_many_connections
]);

/** Messages of the pool and driver for a connection that timed out or died, which carry no code. */
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|terminating connection|server closed the connection|Connection terminated|connection timeout|Client has encountered a connection error/i;

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGE.test(error instanceof Error ? error.message : '');
}

/** The store's error for a driver failure, or the failure itself when it is not one we translate. */
export function translatePostgresError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isConnectionFailure(error)) {
    return new StoreUnavailableError(
      `PostgreSQL is unavailable: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (error instanceof AggregateError && error.errors.some(isConnectionFailure)) {
    return new StoreUnavailableError('PostgreSQL is unreachable', { cause: error });
  }
  return error;
}

/**
 * `target` with every method's failure (a throw or a rejected promise) passed through `translate`.
 * The wrappers are made once per method name, so a call costs one closure call more, no allocation.
 */
export function withTranslatedErrors<T extends object>(target: T, translate: (error: unknown) => unknown): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function' || property === 'constructor') return value;
      let wrapper = wrappers.get(property);
      if (wrapper === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]) => {
          try {
            const result = method.apply(object, args);
            return result instanceof Promise
              ? result.catch((error: unknown) => {
                  throw translate(error);
                })
              : result;
          } catch (error) {
            throw translate(error);
          }
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
