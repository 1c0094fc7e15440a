/**
 * Query and path parameters as HubSpot's Java stack reads them, each failure a 400 naming the parameter.
 * Booleans take `true`/`false` in any letter case: HubSpot's Python client sends `True`.
 */
import { invalidInput } from '../errors.js';

/**
 * One query parameter's text: a parameter given twice parses as an array, which a
 * single-valued parameter refuses, naming it, rather than guessing which value counts.
 */
export function singleParam(name: string, raw: unknown): string | undefined {
  if (raw === undefined || typeof raw === 'string') return raw;
  throw invalidInput([{ message: `${name} must be given once`, code: 'INVALID_VALUE', in: name }]);
}

/** `undefined` when absent; `fallback` is used then. */
export function booleanParam(name: string, given: unknown, fallback: boolean): boolean {
  const raw = singleParam(name, given);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidInput([
    { message: `${name} must be true or false, got '${raw}'`, code: 'INVALID_TYPE', in: name },
  ]);
}

/** A page size from 1 to `max`; `fallback` when absent. */
export function limitParam(given: unknown, fallback: number, max: number): number {
  const raw = singleParam('limit', given);
  if (raw === undefined) return fallback;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalidInput([
      { message: `limit must be an integer from 1 to ${max}`, code: 'INVALID_VALUE', in: 'limit' },
    ]);
  }
  return limit;
}

// The record timeline API's time bounds
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO-8601 date or date-time as epoch ms; `undefined` when absent. */
export function isoTimeParam(name: string, given: unknown): number | undefined {
  const raw = singleParam(name, given);
  if (raw === undefined) return undefined;
  const ms = ISO_8601.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw invalidInput([
      {
        message: `${name} must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got '${raw}'`,
        code: 'INVALID_FORMAT',
        in: name,
      },
    ]);
  }
  return ms;
}

/**
 * The position of an `after` cursor (decoded by one of `domain/cursors.ts`'s codecs); a 400 naming
 * `after` for anything the codec does not recognise.
 */
export function cursorParam<P>(given: unknown, decode: (text: string) => P | undefined): P | undefined {
  const raw = singleParam('after', given);
  if (raw === undefined) return undefined;
  const position = decode(raw);
  if (position === undefined) {
    throw invalidInput([
      {
        message: 'after is not a cursor this API returned (paging.next.after)',
        code: 'INVALID_VALUE',
        in: 'after',
      },
    ]);
  }
  return position;
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

// The admin API's filters
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
