/**
 * Reads one app event occurrence (HubSpot's `AppEventOccurrence`) against its type and
 * turns it into a timeline-event write of that type: the same write, record resolution and
 * checks as a v3 event (`event-input.ts`), with the occurrence's own field names and rules.
 */
import { type ErrorDetail, invalidInput } from '../../errors.js';
import type { LimitValues } from '../../limits.js';
import { CUSTOM_OBJECT_TYPE_MARKER } from '../app-event-type-rules.js';
import { isObject, type JsonObject, setOwn } from '../json.js';
import type { EventWrite } from '../store.js';
import {
  type EventTemplate,
  standardObjectTypeNamed,
  type TimelineEvent,
  type TimelineIFrame,
} from '../types.js';
import {
  bytesIfOverLimit,
  checkEmail,
  checkIdLength,
  checkValue,
  describe,
  EPOCH_MS,
  extraDataDepth,
  identifier,
  readTimestamp,
  valueBytesOverLimit,
} from './event-values.js';
import { recordRef } from './record-ref.js';
import { IFRAME_SIZE_FIELDS, IFRAME_TEXT_FIELDS, readIFrameFields } from './timeline-iframe.js';

/** The `eventTypeName` of an input, or the problem that it has none. */
export function eventTypeNameOf(input: unknown): { name?: string; problems: ErrorDetail[] } {
  if (!isObject(input)) {
    return {
      problems: [
        {
          message: `Each occurrence must be an object, got ${describe(input)}`,
          code: 'INVALID_TYPE',
          in: 'inputs',
        },
      ],
    };
  }
  const name = input.eventTypeName;
  if (typeof name === 'string' && name !== '') return { name, problems: [] };
  return {
    problems: [
      name === undefined
        ? { message: 'eventTypeName is required', code: 'REQUIRED_FIELD', in: 'eventTypeName' }
        : {
            message: `eventTypeName must be a non-empty string, got ${describe(name)}`,
            code: 'INVALID_TYPE',
            in: 'eventTypeName',
          },
    ],
  };
}

export interface OccurrenceContext {
  portalId: number;
  now: number;
  limits: Readonly<LimitValues>;
  /** Size of the whole request body when known: no occurrence of a body under the limit can be over it. */
  bodyBytes?: number;
  /** The custom object types the request's occurrences name, resolved to their `2-N` ids. */
  customObjectTypes?: ReadonlyMap<string, string>;
}

/** Turns a valid occurrence into a store write, or throws the 400 listing all its problems. */
export function toOccurrenceWrite(
  input: JsonObject,
  type: EventTemplate,
  ctx: OccurrenceContext,
): EventWrite {
  const problems: ErrorDetail[] = [];
  const id = identifierField(input, 'id', problems);
  if (input.id === undefined || input.id === null)
    problems.push({ message: 'id is required', code: 'REQUIRED_FIELD', in: 'id' });
  else if (id === '') problems.push({ message: 'id must not be empty', code: 'INVALID_VALUE', in: 'id' });
  else if (id !== undefined) checkIdLength(id, ctx.limits, problems);
  const objectId = identifierField(input, 'objectId', problems);
  const email = identifierField(input, 'email', problems);
  const utk = identifierField(input, 'utk', problems);
  const domain = identifierField(input, 'domain', problems);
  checkEmail(email, problems);
  const objectType = readObjectType(input, type, ctx, problems);
  const timestamp = readTimestamp(input.timestamp, problems);
  const timelineIFrame = readIFrame(input.timelineIFrame, problems);
  if (input.extraData !== undefined && input.extraData !== null && !isObject(input.extraData)) {
    problems.push({
      message: `extraData must be an object, got ${describe(input.extraData)}`,
      code: 'INVALID_TYPE',
      in: 'extraData',
    });
  }
  extraDataDepth(input.extraData, ctx.limits, problems);
  const properties = readProperties(input.properties, type, ctx.limits, problems);
  if (problems.length > 0 || id === undefined || objectType === undefined) throw invalidInput(problems);

  const eventBytes = bytesIfOverLimit(input, ctx);
  if (eventBytes > ctx.limits.MAX_EVENT_BYTES) {
    throw invalidInput([
      {
        message: `The occurrence is ${eventBytes} bytes; the limit is ${ctx.limits.MAX_EVENT_BYTES}`,
        code: 'TOO_LARGE',
        in: 'event',
      },
    ]);
  }
  const record = recordRef(objectType, { id, objectId, email, utk, domain });
  const event: Omit<TimelineEvent, 'objectId'> = {
    eventTemplateId: type.id,
    id,
    objectType,
    timestamp: timestamp ?? ctx.now,
    createdAt: ctx.now,
    tokens: properties,
  };
  if (input.extraData !== undefined && input.extraData !== null) event.extraData = input.extraData;
  if (timelineIFrame) event.timelineIFrame = timelineIFrame;
  if (email !== undefined) event.email = email;
  if (utk !== undefined) event.utk = utk;
  if (domain !== undefined) event.domain = domain;
  // HubSpot: "Occurrences are immutable": no fingerprint, so an id already stored (even with the
  // same content) is a conflict, never an idempotent replay as in v3.
  return { portalId: ctx.portalId, event, record, stamps: {}, fingerprint: '' };
}

/**
 * The occurrence's object type: the type's, or for a custom-object type the custom object it names
 * (`objectTypeFullyQualifiedName`: `p{portalId}_{name}` as HubSpot's docs give it, or the schema's
 * id `2-N`), as the portal's schemas resolve it (`ctx.customObjectTypes`, read beforehand).
 */
function readObjectType(
  input: JsonObject,
  type: EventTemplate,
  ctx: OccurrenceContext,
  problems: ErrorDetail[],
): string | undefined {
  const given = input.objectTypeFullyQualifiedName;
  const field = 'objectTypeFullyQualifiedName';
  if (type.objectType !== CUSTOM_OBJECT_TYPE_MARKER) {
    // HubSpot's docs require the field only of custom-object types. A client that always sends it
    // may name the type's own standard object in any of HubSpot's forms (`0-1`, `contacts`,
    // `CONTACT`); naming any other object type is refused rather than silently ignored.
    if (given === undefined || given === null) return type.objectType;
    if (typeof given === 'string' && standardObjectTypeNamed(given) === type.objectType)
      return type.objectType;
    problems.push({
      message: `${field} ${describe(given)} is not this event type's object type '${type.objectType}': name that type (by its 0-N id or its name) or leave the field out`,
      code: 'INVALID_VALUE',
      in: field,
    });
    return type.objectType;
  }
  if (typeof given !== 'string' || given === '') {
    problems.push({
      message: `${field} is required for a custom-object event type (p{portalId}_{name} or 2-N), got ${describe(given)}`,
      code: given === undefined || given === null ? 'REQUIRED_FIELD' : 'INVALID_TYPE',
      in: field,
    });
    return undefined;
  }
  const resolved = ctx.customObjectTypes?.get(given);
  if (resolved !== undefined) return resolved;
  problems.push({
    message: `${field} '${given}' names no custom object of portal ${ctx.portalId} (give p${ctx.portalId}_{name} or its 2-N id)`,
    code: 'INVALID_VALUE',
    in: field,
  });
  return undefined;
}

/** The custom-object names an occurrence gives, for its portal's schemas to resolve once per request. */
export function customObjectNameOf(input: unknown): string | undefined {
  const given = isObject(input) ? input.objectTypeFullyQualifiedName : undefined;
  return typeof given === 'string' && given !== '' ? given : undefined;
}

function readProperties(
  value: unknown,
  type: EventTemplate,
  limits: Readonly<LimitValues>,
  problems: ErrorDetail[],
): Record<string, string> {
  const values: Record<string, string> = {};
  if (!isObject(value)) {
    problems.push(
      value === undefined || value === null
        ? {
            message: 'properties is required (an object, possibly empty)',
            code: 'REQUIRED_FIELD',
            in: 'properties',
          }
        : {
            message: `properties must be an object, got ${describe(value)}`,
            code: 'INVALID_TYPE',
            in: 'properties',
          },
    );
    return values;
  }
  for (const [name, raw] of Object.entries(value)) {
    const at = `properties.${name}`;
    const declared = type.tokens.find((token) => token.name === name);
    if (!declared) {
      problems.push({
        message: `'${name}' is not a property of event type '${type.appEventUid}'`,
        code: 'UNKNOWN_TOKEN',
        in: at,
      });
      continue;
    }
    // The spec types properties as a map of string to string: unlike v3 tokens, no number passes.
    if (typeof raw !== 'string') {
      problems.push({
        message: `Property '${name}' must be a string, got ${describe(raw)}`,
        code: 'INVALID_TYPE',
        in: at,
      });
      continue;
    }
    // A value too large is refused for its size (checkValue), whatever its type.
    const text = declared.type === 'date' && valueBytesOverLimit(raw, limits) === 0 ? dateValue(raw) : raw;
    if (text === undefined) {
      problems.push({
        message: `Property '${name}' must be a date (epoch milliseconds or ISO-8601), got ${describe(raw)}`,
        code: 'INVALID_VALUE',
        in: at,
      });
      continue;
    }
    if (!checkValue('Property', declared, text, raw, limits, problems)) continue;
    setOwn(values, name, text);
  }
  return values;
}

/**
 * *Inferred*: a date property is epoch milliseconds (as v3) or an ISO-8601 date or date-time; it is
 * kept as epoch milliseconds, so rendering formats both the same way.
 */
function dateValue(raw: string): string | undefined {
  if (EPOCH_MS.test(raw)) return raw;
  const problems: ErrorDetail[] = [];
  const ms = readTimestamp(raw, problems);
  return ms === undefined ? undefined : String(ms);
}

/** A string field naming something (an id, a record, an email): text, or a number read as text. */
function identifierField(input: JsonObject, field: string, problems: ErrorDetail[]): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return identifier(value, field, problems);
  if (typeof value === 'number' && Number.isFinite(value)) return identifier(String(value), field, problems);
  problems.push({
    message: `${field} must be a string, got ${describe(value)}`,
    code: 'INVALID_TYPE',
    in: field,
  });
  return undefined;
}

/** The occurrence's `timelineIFrame`: all five fields are required when it is present, exact types. */
function readIFrame(value: unknown, problems: ErrorDetail[]): TimelineIFrame | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    problems.push({
      message: `timelineIFrame must be an object, got ${describe(value)}`,
      code: 'INVALID_TYPE',
      in: 'timelineIFrame',
    });
    return undefined;
  }
  const reading = readIFrameFields(value, {
    text: (raw) => (typeof raw === 'string' ? raw : undefined),
    size: (raw) => (Number.isInteger(raw) ? (raw as number) : undefined),
  });
  for (const field of [...IFRAME_TEXT_FIELDS, ...IFRAME_SIZE_FIELDS]) {
    if (!reading.missing.includes(field) && !reading.wrong.some((wrong) => wrong.field === field)) continue;
    const kind = (IFRAME_TEXT_FIELDS as readonly string[]).includes(field) ? 'a string' : 'an integer';
    problems.push({
      message: `timelineIFrame.${field} must be ${kind}, got ${describe(value[field])}`,
      // Exact types: a field sent as null is of the wrong type, not missing.
      code: value[field] === undefined ? 'REQUIRED_FIELD' : 'INVALID_TYPE',
      in: `timelineIFrame.${field}`,
    });
  }
  return reading.frame;
}
