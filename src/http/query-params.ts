/**
 * Query parameters as HubSpot's Java stack reads them, each failure a 400 naming the parameter.
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

// issue 10: the admin API's filters
/** A whole number from `min` to `max`, or undefined when absent. */
export function integerParam(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidInput([
      { message: `${name} must be an integer from ${min} to ${max}`, code: 'INVALID_VALUE', in: name },
    ]);
  }
  return value;
}
