/**
 * Reads one TimelineEvent input of a create request: checks its shape and HubSpot's rules that need
 * only the event and its template (tokens, sizes, ids), and turns it into a store write. Rules that
 * need stored state (records, id uniqueness) are the store's.
 */
import { createHash } from 'node:crypto';
import { ApiError, type ErrorDetail, invalidInput } from '../errors.js';
import type { LimitValues } from '../limits.js';
import type { IdGenerator } from './clock.js';
import { contactEmail, withContactEmail } from './contact-email.js';
import type { ParsedEvent } from './event-parsing.js';
import { isObject, setOwn, tooDeepAt } from './json.js';
import type { EventWrite, RecordRef } from './store.js';
import type { EventTemplate, TimelineEvent } from './types.js';

export interface EventContext {
  portalId: number;
  /** The time of the request: the default timestamp and every event's createdAt. */
  now: number;
  limits: Readonly<LimitValues>;
  ids: IdGenerator;
  /** Size of the whole request body when known: no event of a body under the limit can be over it. */
  bodyBytes?: number;
}

const UUID_PLACEHOLDER = /\{\{uuid\}\}/g;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const EPOCH_MS = /^-?\d{1,16}$/;
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

/**
 * *Ours* (issue 12): `extraData` nested deeper than MAX_EXTRA_DATA_DEPTH is refused, naming the
 * field, before anything walks it (its fingerprint, its size, the store's JSON column).
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
 * request body under the limit is smaller than the body (issue 16: most requests skip measuring).
 */
export function bytesIfOverLimit(
  input: unknown,
  ctx: { bodyBytes?: number; limits: Readonly<LimitValues> },
): number {
  if (ctx.bodyBytes !== undefined && ctx.bodyBytes <= ctx.limits.MAX_EVENT_BYTES) return 0;
  return Buffer.byteLength(JSON.stringify(input));
}

/** Turns a valid input into a store write, or throws the ApiError that describes why it is not. */
export function toEventWrite(input: ParsedEvent, template: EventTemplate, ctx: EventContext): EventWrite {
  const problems: ErrorDetail[] = [];
  const givenId = identifier(input.id, 'id', problems);
  const objectId = identifier(input.objectId, 'objectId', problems);
  const email = identifier(input.email, 'email', problems);
  const utk = identifier(input.utk, 'utk', problems);
  const domain = identifier(input.domain, 'domain', problems);
  if (email !== undefined && !EMAIL.test(email.trim())) {
    problems.push({
      message: `email must be an email address, got ${describe(email)}`,
      code: 'INVALID_FORMAT',
      in: 'email',
    });
  }
  const timestamp = readTimestamp(input.timestamp, problems);
  const timelineIFrame = input.timelineIFrame;
  const tokens = readTokens(input.tokens, template, ctx.limits, problems);
  extraDataDepth(input.extraData, ctx.limits, problems);

  let id = givenId ?? ctx.ids.uuid();
  if (givenId !== undefined) {
    id = givenId.replace(UUID_PLACEHOLDER, () => ctx.ids.uuid());
    if (id === '') problems.push({ message: 'id must not be empty', code: 'INVALID_VALUE', in: 'id' });
    const bytes = Buffer.byteLength(id);
    if (bytes > ctx.limits.MAX_EVENT_ID_BYTES) {
      problems.push({
        message: `id is ${bytes} bytes long; the limit is ${ctx.limits.MAX_EVENT_ID_BYTES}`,
        code: 'TOO_LONG',
        in: 'id',
      });
    }
  }
  if (problems.length > 0) throw invalidInput(problems);

  const eventBytes = bytesIfOverLimit(input, ctx);
  if (eventBytes > ctx.limits.MAX_EVENT_BYTES) {
    throw new ApiError(
      'EVENT_INVALID',
      { id },
      {
        details: [
          {
            message: `The event is ${eventBytes} bytes; the limit is ${ctx.limits.MAX_EVENT_BYTES}`,
            code: 'TOO_LARGE',
            in: 'event',
          },
        ],
      },
    );
  }

  const record = recordRef(template.objectType, { id, objectId, email, utk, domain });
  const event: Omit<TimelineEvent, 'objectId'> = {
    eventTemplateId: template.id,
    id,
    objectType: template.objectType,
    timestamp: timestamp ?? ctx.now,
    createdAt: ctx.now,
    tokens: tokens.values,
  };
  if (input.extraData !== undefined) event.extraData = input.extraData;
  if (timelineIFrame) event.timelineIFrame = timelineIFrame;
  if (email !== undefined) event.email = email;
  if (utk !== undefined) event.utk = utk;
  if (domain !== undefined) event.domain = domain;

  // The fingerprint covers what the caller sent (not defaults), so an identical re-send matches.
  // An id the server made (no id, or one with {{uuid}}) can never be sent again: no fingerprint.
  const idIsFresh = givenId === undefined || id !== givenId;
  const fingerprint = idIsFresh
    ? ''
    : createHash('sha256')
        .update(
          stableJson([
            template.id,
            id,
            objectId,
            utk,
            email,
            domain,
            tokens.values,
            input.extraData,
            timelineIFrame,
            timestamp,
          ]),
        )
        .digest('base64url');
  const stamps = withContactEmail(template.objectType, tokens.stamps);
  const write: EventWrite = { portalId: ctx.portalId, event, record, stamps, fingerprint };
  if (idIsFresh) write.idIsNew = true;
  return write;
}

/** HubSpot's precedence for contacts: objectId, then utk, then email. Other types need objectId. */
export function recordRef(
  objectType: string,
  given: {
    id: string;
    objectId: string | undefined;
    email: string | undefined;
    utk: string | undefined;
    domain: string | undefined;
  },
): RecordRef {
  const { objectId, utk, domain } = given;
  // The record gets the email in lower case (HubSpot's rule); the event echoes it as sent.
  const email = given.email === undefined ? undefined : contactEmail(given.email);
  if (objectId !== undefined) {
    const ref: RecordRef = { by: 'objectId', objectId };
    if (email !== undefined) ref.email = email;
    if (domain !== undefined) ref.domain = domain;
    return ref;
  }
  if (objectType === 'contacts') {
    if (utk !== undefined) return email === undefined ? { by: 'utk', utk } : { by: 'utk', utk, email };
    if (email !== undefined) return { by: 'email', email };
  }
  const identifiers = objectType === 'contacts' ? 'objectId, utk or email' : 'objectId';
  throw new ApiError(
    'RECORD_IDENTIFIER_MISSING',
    { id: given.id, identifiers },
    {
      details: [
        {
          message: `${objectType} events need ${identifiers}`,
          code: 'REQUIRED_FIELD',
          in: 'objectId',
        },
      ],
    },
  );
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

function readTokens(
  value: Record<string, string | null>,
  template: EventTemplate,
  limits: Readonly<LimitValues>,
  problems: ErrorDetail[],
): { values: Record<string, string>; stamps: Record<string, string> } {
  const values: Record<string, string> = {};
  const stamps: Record<string, string> = {};
  for (const name in value) {
    const raw = value[name] as string | null;
    const at = `tokens.${name}`;
    const token = template.tokens.find((t) => t.name === name);
    if (!token) {
      problems.push({
        message: `'${name}' is not a token of event template ${template.id}`,
        code: 'UNKNOWN_TOKEN',
        in: at,
      });
      continue;
    }
    if (raw === null) {
      problems.push({ message: `Token '${name}' must have a value, got null`, code: 'INVALID_TYPE', in: at });
      continue;
    }
    const text = raw;
    // A UTF-16 unit is at most 3 UTF-8 bytes, so a short value needs no counting.
    const bytes = text.length * 3 > limits.MAX_TOKEN_VALUE_BYTES ? Buffer.byteLength(text) : 0;
    if (bytes > limits.MAX_TOKEN_VALUE_BYTES) {
      problems.push({
        message: `Token '${name}' is ${bytes} bytes; the limit is ${limits.MAX_TOKEN_VALUE_BYTES}`,
        code: 'TOO_LARGE',
        in: at,
      });
      continue;
    }
    const problem = tokenValueProblem(token.type, text, token.options);
    if (problem) {
      problems.push({
        message: `Token '${name}' ${problem}, got ${describe(raw)}`,
        code: 'INVALID_VALUE',
        in: at,
      });
      continue;
    }
    setOwn(values, name, text);
    if (token.objectPropertyName) setOwn(stamps, token.objectPropertyName, text);
  }
  return { values, stamps };
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

/** JSON with object keys sorted, so equal content always serialises the same. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
