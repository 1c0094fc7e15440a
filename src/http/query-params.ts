/**
 * Query and path parameters as HubSpot's Java stack reads them, each failure a 400 naming the parameter.
 * Booleans take `true`/`false` in any letter case: HubSpot's Python client sends `True`.
 */
import { invalidInput } from '../errors.js';

/** `undefined` when absent; `fallback` is used then. */
export function booleanParam(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidInput([
    { message: `${name} must be true or false, got '${raw}'`, code: 'INVALID_TYPE', in: name },
  ]);
}

/** A page size from 1 to `max`; `fallback` when absent. */
export function limitParam(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalidInput([
      { message: `limit must be an integer from 1 to ${max}`, code: 'INVALID_VALUE', in: 'limit' },
    ]);
  }
  return limit;
}

/**
 * A numeric path parameter such as `appId`: a whole number or a 400 naming it (HubSpot's stack
 * refuses the parameter; it never looks up "app NaN").
 */
export function integerPathParam(name: string, raw: string): number {
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  throw invalidInput([
    { message: `${name} must be a whole number, got '${raw}'`, code: 'INVALID_TYPE', in: name },
  ]);
}
