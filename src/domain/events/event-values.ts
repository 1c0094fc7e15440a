/**
 * The value readers both event APIs share (v3 events and app event occurrences): identifiers,
 * timestamps, `extraData` depth, the per-event size check, and the per-value size and type check of
 * a token (v3) or property (app events) against its declaration.
 */
import type { ErrorDetail } from '../../errors.js';
import type { LimitValues } from '../../limits.js';
import { tooDeepAt } from '../json.js';
import type { TemplateToken } from '../types.js';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
export const EPOCH_MS = /^-?\d{1,16}$/;
/** A decimal number as Java's `new BigDecimal(text)` reads it. */
const JAVA_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** Something, an @, something: HubSpot refuses what is plainly not an address, nothing finer. */
export const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A value as a message quotes it; never a JavaScript internal such as "undefined undefined". */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * A string that names something (an id, a record, an email): it must be text a database can hold
 * and give back unchanged, so no U+0000 and no lone UTF-16 surrogates (both stores would alter or
 * refuse them).
 */
export function identifier(
  value: string | undefined,
  field: string,
  problems: ErrorDetail[],
): string | undefined {
  if (value !== undefined && (value.includes('\u0000') || !value.isWellFormed())) {
    problems.push({
      message: `${field} must not hold U+0000 or unpaired surrogates`,
      code: 'INVALID_VALUE',
      in: field,
    });
    return undefined;
  }
  return value;
}

/** An email field's format problem, if it is not plainly an address. */
export function checkEmail(email: string | undefined, problems: ErrorDetail[]): void {
  if (email === undefined || EMAIL.test(email.trim())) return;
  problems.push({
    message: `email must be an email address, got ${describe(email)}`,
    code: 'INVALID_FORMAT',
    in: 'email',
  });
}

/** An event id's length against HubSpot's limit (bytes of UTF-8). */
export function checkIdLength(id: string, limits: Readonly<LimitValues>, problems: ErrorDetail[]): void {
  const bytes = Buffer.byteLength(id);
  if (bytes <= limits.MAX_EVENT_ID_BYTES) return;
  problems.push({
    message: `id is ${bytes} bytes long; the limit is ${limits.MAX_EVENT_ID_BYTES}`,
    code: 'TOO_LONG',
    in: 'id',
  });
}

/**
 * *Ours*: `extraData` nested deeper than MAX_EXTRA_DATA_DEPTH is refused, naming the field, before
 * anything walks it (its fingerprint, its size, the store's JSON column).
 */
export function extraDataDepth(value: unknown, limits: Readonly<LimitValues>, problems: ErrorDetail[]): void {
  if (value === undefined || value === null) return;
  if (tooDeepAt(value, limits.MAX_EXTRA_DATA_DEPTH) === undefined) return;
  problems.push({
    message: `extraData nests deeper than ${limits.MAX_EXTRA_DATA_DEPTH} levels`,
    code: 'TOO_LARGE',
    in: 'extraData',
  });
}

/**
 * The size of one event's JSON, or 0 when it cannot be over `MAX_EVENT_BYTES`: an event of a
 * request body under the limit is smaller than the body, so most requests skip measuring.
 */
export function bytesIfOverLimit(
  input: unknown,
  ctx: { bodyBytes?: number; limits: Readonly<LimitValues> },
): number {
  if (ctx.bodyBytes !== undefined && ctx.bodyBytes <= ctx.limits.MAX_EVENT_BYTES) return 0;
  return Buffer.byteLength(JSON.stringify(input));
}

export function readTimestamp(value: unknown, problems: ErrorDetail[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  // *Ours*: besides HubSpot's ISO-8601 string we accept epoch milliseconds, as number or string.
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && EPOCH_MS.test(value)) return Number(value);
  if (typeof value === 'string' && ISO_8601.test(value)) {
    // A date-time without a zone is UTC (JavaScript would read it in the server's local zone).
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) || !value.includes('T');
    const ms = Date.parse(hasZone ? value : `${value}Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  problems.push({
    message: `timestamp must be an ISO-8601 date-time or epoch milliseconds, got ${describe(value)}`,
    code: 'INVALID_FORMAT',
    in: 'timestamp',
  });
  return undefined;
}

export function tokenValueProblem(
  type: string,
  text: string,
  options: { value: string }[],
): string | undefined {
  switch (type) {
    case 'number':
      // Only what Java's BigDecimal reads: no hex or binary, no spaces, no Infinity or NaN
      // (JavaScript's Number() takes all of those).
      return JAVA_DECIMAL.test(text) && Number.isFinite(Number(text)) ? undefined : 'must be a number';
    case 'date':
      return EPOCH_MS.test(text) ? undefined : 'must be a date in epoch milliseconds';
    case 'enumeration':
      return options.some((option) => option.value === text)
        ? undefined
        : `must be one of ${options.map((option) => `'${option.value}'`).join(', ')}`;
    default:
      return undefined;
  }
}

/** A token value's size in bytes when it is over the limit, else 0. */
export function valueBytesOverLimit(raw: string, limits: Readonly<LimitValues>): number {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so a short value needs no counting.
  if (raw.length * 3 <= limits.MAX_TOKEN_VALUE_BYTES) return 0;
  const bytes = Buffer.byteLength(raw);
  return bytes > limits.MAX_TOKEN_VALUE_BYTES ? bytes : 0;
}

/**
 * One value against its declared token: its size, then its type. `label` is how the API names it
 * (`Token` in v3, `Property` for app events); `raw` is what the caller sent, for the message.
 * Answers whether the value is valid; a problem found is pushed, naming `at`.
 */
export function checkValue(
  label: 'Token' | 'Property',
  token: TemplateToken,
  text: string,
  raw: string,
  limits: Readonly<LimitValues>,
  problems: ErrorDetail[],
): boolean {
  const at = `${label === 'Token' ? 'tokens' : 'properties'}.${token.name}`;
  const bytes = valueBytesOverLimit(raw, limits);
  if (bytes > 0) {
    problems.push({
      message: `${label} '${token.name}' is ${bytes} bytes; the limit is ${limits.MAX_TOKEN_VALUE_BYTES}`,
      code: 'TOO_LARGE',
      in: at,
    });
    return false;
  }
  const problem = tokenValueProblem(token.type, text, token.options);
  if (problem === undefined) return true;
  problems.push({
    message: `${label} '${token.name}' ${problem}, got ${describe(raw)}`,
    code: 'INVALID_VALUE',
    in: at,
  });
  return false;
}
