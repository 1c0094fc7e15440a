/**
 * Reads one TimelineEvent input of a create request: checks its shape and HubSpot's rules that need
 * only the event and its template (tokens, sizes, ids), and turns it into a store write. Rules that
 * need stored state (records, id uniqueness) are the store's.
 */
import { createHash } from 'node:crypto';
import { ApiError, type ErrorDetail, invalidInput } from '../../errors.js';
import type { LimitValues } from '../../limits.js';
import type { IdGenerator } from '../clock.js';
import { withContactEmail } from '../contact-email.js';
import { isObject, setOwn } from '../json.js';
import type { EventWrite } from '../store.js';
import type { EventTemplate, TimelineEvent } from '../types.js';
import {
  bytesIfOverLimit,
  checkEmail,
  checkIdLength,
  checkValue,
  extraDataDepth,
  identifier,
  readTimestamp,
} from './event-values.js';
import { recordRef } from './record-ref.js';
import type { ParsedEvent } from './v3-event-parsing.js';

const UUID_PLACEHOLDER = /\{\{uuid\}\}/g;

export interface EventContext {
  portalId: number;
  /** The time of the request: the default timestamp and every event's createdAt. */
  now: number;
  limits: Readonly<LimitValues>;
  ids: IdGenerator;
  /** Size of the whole request body when known: no event of a body under the limit can be over it. */
  bodyBytes?: number;
}

/** Turns a valid input into a store write, or throws the ApiError that describes why it is not. */
export function toEventWrite(input: ParsedEvent, template: EventTemplate, ctx: EventContext): EventWrite {
  const problems: ErrorDetail[] = [];
  const givenId = identifier(input.id, 'id', problems);
  const objectId = identifier(input.objectId, 'objectId', problems);
  const email = identifier(input.email, 'email', problems);
  const utk = identifier(input.utk, 'utk', problems);
  const domain = identifier(input.domain, 'domain', problems);
  checkEmail(email, problems);
  const timestamp = readTimestamp(input.timestamp, problems);
  const timelineIFrame = input.timelineIFrame;
  const tokens = readTokens(input.tokens, template, ctx.limits, problems);
  extraDataDepth(input.extraData, ctx.limits, problems);

  let id = givenId ?? ctx.ids.uuid();
  if (givenId !== undefined) {
    id = givenId.replace(UUID_PLACEHOLDER, () => ctx.ids.uuid());
    if (id === '') problems.push({ message: 'id must not be empty', code: 'INVALID_VALUE', in: 'id' });
    checkIdLength(id, ctx.limits, problems);
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
    if (!checkValue('Token', token, raw, raw, limits, problems)) continue;
    setOwn(values, name, raw);
    if (token.objectPropertyName) setOwn(stamps, token.objectPropertyName, raw);
  }
  return { values, stamps };
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
