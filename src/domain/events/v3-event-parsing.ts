/**
 * Parsing comes first, for the whole body, as on HubSpot: its server deserializes a create request
 * into its input types (Jackson into immutable builders) before any rule runs. An input that is not
 * an object, lacks a field the builder requires (`eventTemplateId`, `tokens`), or holds a value of an
 * impossible JSON type fails the whole request, and nothing is stored. Scalars are coerced as Jackson
 * does: a number or boolean where a string is expected, a numeric string where an integer is.
 */
import { isObject, type JsonObject, setOwn } from '../json.js';
import type { TimelineIFrame } from '../types.js';
import { type IFrameReaders, readIFrameFields } from './timeline-iframe.js';

/** Where in the body the failure is: a JSON path, and whether to point at the value or past its end. */
export type JsonPath = (string | number)[];

/** A body HubSpot's parser would refuse: the HTTP layer turns it into a 400 with a line and column. */
export class InputParseFailure extends Error {
  constructor(
    /** Jackson's wording: "Cannot build TimelineEvent, …" or "Cannot deserialize value of type …". */
    readonly reason: string,
    readonly path: JsonPath,
    /** `end`: just past the value (a builder fails when its object closes); `start`: the value itself. */
    readonly at: 'start' | 'end',
    /** The field it is about, for the error's `in`. */
    readonly field: string,
  ) {
    super(reason);
    this.name = 'InputParseFailure';
  }
}

/** A TimelineEvent as HubSpot's builder holds it: every string field a string. */
export interface ParsedEvent {
  eventTemplateId: string;
  /** Values are strings (scalars coerced), or null when sent as null (the rules refuse it). */
  tokens: Record<string, string | null>;
  id?: string;
  objectId?: string;
  email?: string;
  utk?: string;
  domain?: string;
  customObjectTypeId?: string;
  /** As sent (ISO-8601 string or epoch milliseconds); the rules read it. */
  timestamp?: string | number;
  extraData?: unknown;
  timelineIFrame?: TimelineIFrame;
}

/** Jackson reads an int from a string of digits (with a sign); nothing else. */
const INTEGER_TEXT = /^[+-]?\d{1,15}$/;

/** `{"inputs": [TimelineEvent, ...]}`; more than `maxInputs` is refused before any input is read. */
export function parseBatchBody(body: unknown, maxInputs: number): ParsedEvent[] {
  if (body === undefined)
    throw new InputParseFailure('No content to map due to end-of-input', [], 'start', 'body');
  if (!isObject(body)) throw typeMismatch('BatchInputTimelineEvent', body, [], '');
  if (body.inputs === undefined || body.inputs === null) {
    throw new InputParseFailure(notSet('BatchInputTimelineEvent', ['inputs']), [], 'end', 'inputs');
  }
  if (!Array.isArray(body.inputs))
    throw typeMismatch('List<TimelineEvent>', body.inputs, ['inputs'], 'inputs');
  if (body.inputs.length > maxInputs) throw new TooManyInputs(body.inputs.length, maxInputs);
  return body.inputs.map((input, index) => parseEvent(input, ['inputs', index]));
}

/** The batch's input count is over the limit: a whole-request 400 of its own. */
export class TooManyInputs extends Error {
  constructor(
    readonly count: number,
    readonly limit: number,
  ) {
    super(`inputs holds ${count} items; at most ${limit} are allowed in one request`);
    this.name = 'TooManyInputs';
  }
}

/** One TimelineEvent at `path` of the body (`[]` for the single create). */
export function parseEvent(input: unknown, path: JsonPath = []): ParsedEvent {
  // The field prefix of an error (`inputs[3].`), built only when one is thrown.
  const at = () => fieldPrefix(path);
  // Jackson's words for a request without a body.
  if (input === undefined)
    throw new InputParseFailure('No content to map due to end-of-input', [], 'start', 'body');
  if (!isObject(input)) throw typeMismatch('TimelineEvent', input, path, at().replace(/\.$/, '') || 'body');
  // Jackson reads every field before the builder runs, so a type failure anywhere comes first.
  const eventTemplateId = stringField(input, 'eventTemplateId', path);
  const tokens = tokensField(input, path);
  const id = stringField(input, 'id', path);
  const objectId = stringField(input, 'objectId', path);
  const email = stringField(input, 'email', path);
  const utk = stringField(input, 'utk', path);
  const domain = stringField(input, 'domain', path);
  const customObjectTypeId = stringField(input, 'customObjectTypeId', path);
  const timestamp = input.timestamp;
  if (timestamp !== undefined && timestamp !== null) {
    if (typeof timestamp !== 'string' && typeof timestamp !== 'number') {
      throw typeMismatch('Instant', timestamp, [...path, 'timestamp'], `${at()}timestamp`);
    }
  }
  const iframe = iframeField(input, path);
  if (eventTemplateId === undefined || tokens === undefined) {
    const missing = [
      ...(eventTemplateId === undefined ? ['eventTemplateId'] : []),
      ...(tokens === undefined ? ['tokens'] : []),
    ];
    throw new InputParseFailure(notSet('TimelineEvent', missing), path, 'end', `${at()}${missing[0]}`);
  }
  const event: ParsedEvent = { eventTemplateId, tokens };
  if (id !== undefined) event.id = id;
  if (objectId !== undefined) event.objectId = objectId;
  if (email !== undefined) event.email = email;
  if (utk !== undefined) event.utk = utk;
  if (domain !== undefined) event.domain = domain;
  if (customObjectTypeId !== undefined) event.customObjectTypeId = customObjectTypeId;
  if (typeof timestamp === 'string' || typeof timestamp === 'number') event.timestamp = timestamp;
  if (input.extraData !== undefined) event.extraData = input.extraData;
  if (iframe) event.timelineIFrame = iframe;
  return event;
}

function fieldPrefix(path: JsonPath): string {
  const text = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
  return text ? `${text.replace(/^\./, '')}.` : '';
}

/** Immutables' message for a builder missing required fields. */
function notSet(type: string, missing: readonly string[]): string {
  return `Cannot build ${type}, some of required attributes are not set [${missing.join(', ')}]`;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return 'Object';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  return Number.isInteger(value) ? 'Integer' : 'Floating-point';
}

/** Jackson's mismatch, e.g. "Cannot deserialize value of type `String` from Object value". */
function typeMismatch(type: string, value: unknown, path: JsonPath, field: string): InputParseFailure {
  const where = field ? ` (${field})` : '';
  return new InputParseFailure(
    `Cannot deserialize value of type \`${type}\` from ${jsonKind(value)} value${where}`,
    path,
    'start',
    field || 'body',
  );
}

/** A string field: strings as they are, numbers and booleans as their text (Jackson's coercion). */
function stringField(input: JsonObject, field: string, path: JsonPath): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  const text = scalarText(value);
  if (text === undefined)
    throw typeMismatch('String', value, [...path, field], `${fieldPrefix(path)}${field}`);
  return text;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `Map<String, String>`: an object whose values are scalars (coerced to text) or null. */
function tokensField(input: JsonObject, path: JsonPath): Record<string, string | null> | undefined {
  const value = input.tokens;
  if (value === undefined || value === null) return undefined;
  const at = () => `${fieldPrefix(path)}tokens`;
  if (!isObject(value)) throw typeMismatch('Map<String, String>', value, [...path, 'tokens'], at());
  const tokens: Record<string, string | null> = {};
  for (const name in value) {
    const raw = value[name];
    const text = raw === null ? null : scalarText(raw);
    if (text === undefined) throw typeMismatch('String', raw, [...path, 'tokens', name], `${at()}.${name}`);
    // Own properties whatever the name: `tokens[name] = text` would drop a token named
    // `__proto__` silently (an assignment to the prototype), where every other unknown name is refused.
    setOwn(tokens, name, text);
  }
  return tokens;
}

/** TimelineIFrame: all five fields required; the sizes are integers (or strings of one). */
function iframeField(input: JsonObject, path: JsonPath): TimelineIFrame | undefined {
  const value = input.timelineIFrame;
  if (value === undefined || value === null) return undefined;
  const here = [...path, 'timelineIFrame'];
  const at = `${fieldPrefix(path)}timelineIFrame`;
  if (!isObject(value)) throw typeMismatch('TimelineIFrame', value, here, at);
  const reading = readIFrameFields(value, JACKSON_IFRAME_READERS);
  const [wrong] = reading.wrong;
  if (wrong !== undefined) {
    const type = wrong.expected === 'text' ? 'String' : 'int';
    throw typeMismatch(type, value[wrong.field], [...here, wrong.field], `${at}.${wrong.field}`);
  }
  if (!reading.frame) {
    throw new InputParseFailure(
      notSet('TimelineIFrame', reading.missing),
      here,
      'end',
      `${at}.${reading.missing[0]}`,
    );
  }
  return reading.frame;
}

/** Jackson's coercion for the frame's fields: scalars as text; an int from a number or digits. */
const JACKSON_IFRAME_READERS: IFrameReaders = {
  text: scalarText,
  size: (raw) => {
    if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
    if (typeof raw === 'string' && INTEGER_TEXT.test(raw)) return Number(raw);
    return undefined;
  },
};
