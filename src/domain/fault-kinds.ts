/**
 * What an injected fault does, declared once: the JSON Schema of `POST /_admin/v1/faults` (the
 * route gives it to Fastify, `server.addFault` runs it through `schema-check.ts`, and the package's
 * exported types are derived from it), and the table of fault kinds. A fault's kind is its
 * `action` when it has one, else `status`, else a plain delay; each kind states the combinations
 * the schema cannot (`validate`) and the shape of what the client receives (`answer`), which the
 * HTTP layer delivers (`http/hooks/fault-delivery.ts`, one delivery per shape).
 */
import Type from 'typebox';
import type { ErrorDetail } from '../errors.js';

/** The statuses a fault may answer with: HubSpot's rate limit and its server-side failures. */
export const FAULT_STATUSES = [429, 500, 502, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];
/** Failures of the connection rather than of HubSpot's answer. */
export const FAULT_ACTIONS = ['reset', 'close-after-headers', 'empty', 'truncate', 'drip'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];
export const FAULT_WHEN = ['before', 'after'] as const;
export type FaultWhen = (typeof FAULT_WHEN)[number];
/** *Ours*: the longest injected delay (or drip), so a forgotten fault cannot hang a suite for long. */
export const MAX_FAULT_DELAY_MS = 120_000;
/** How long a `drip` takes when it is given no `delayMs`. */
export const DEFAULT_DRIP_MS = 10_000;
/** The answer a fault that shapes an answer gives when it runs before the route and names no status. */
export const DEFAULT_FAULT_STATUS: FaultStatus = 503;

export const FaultMatchSchema = Type.Object(
  {
    method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$', description: 'an HTTP method' })),
    path: Type.Optional(Type.String({ pattern: '^/', description: 'a path prefix, or a glob' })),
    portalId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);

/** What a fault does to one request: the fields a rule and the `X-Timeline-Fault` header share. */
const effectFields = {
  when: Type.Optional(Type.Enum(FAULT_WHEN)),
  status: Type.Optional(Type.Enum(FAULT_STATUSES)),
  action: Type.Optional(Type.Enum(FAULT_ACTIONS)),
  delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS })),
};
/** A fault needs something to do: a status, an action, or a delay. */
const SOMETHING_TO_DO = [{ required: ['status'] }, { required: ['action'] }, { required: ['delayMs'] }];

export const FaultEffectSchema = Type.Object(effectFields, {
  additionalProperties: false,
  anyOf: SOMETHING_TO_DO,
});

export const FaultInputSchema = Type.Object(
  {
    match: Type.Optional(FaultMatchSchema),
    ...effectFields,
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })),
    probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    seed: Type.Optional(Type.Integer({ minimum: -(2 ** 31), maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false, anyOf: SOMETHING_TO_DO },
);

/** What `POST /_admin/v1/faults` and `server.addFault()` take. */
export type FaultInput = Type.Static<typeof FaultInputSchema>;
export type FaultMatch = Type.Static<typeof FaultMatchSchema>;
export type FaultEffectInput = Type.Static<typeof FaultEffectSchema>;

export type FaultKindName = 'status' | 'delay' | FaultAction;

/**
 * The shape of what the client receives: `whole` the answer as it is, `reset` a reset connection
 * and nothing else, `headers` the status line and headers then a closed connection, `empty` the
 * answer with no body, `half` the first half of its body (a complete answer whose JSON is cut),
 * `paced` its body in pieces spread over the fault's `delayMs`.
 */
export type AnswerShape = 'whole' | 'reset' | 'headers' | 'empty' | 'half' | 'paced';

/** A fault's effect once its kind is known: what the HTTP layer acts on. */
export type FaultEffect =
  | { kind: 'status'; when: FaultWhen; status: FaultStatus; delayMs?: number }
  | { kind: 'delay'; when: FaultWhen; delayMs: number }
  | { kind: 'reset'; when: FaultWhen; delayMs?: number }
  | {
      kind: 'close-after-headers' | 'empty' | 'truncate';
      when: FaultWhen;
      status?: FaultStatus;
      delayMs?: number;
    }
  | { kind: 'drip'; when: FaultWhen; status?: FaultStatus; delayMs: number };

interface FaultKind {
  /** The problems of a combination of fields that this kind cannot act on. */
  validate(input: FaultEffectInput): ErrorDetail[];
  answer: AnswerShape;
}

const none = (): ErrorDetail[] => [];

export const FAULT_KINDS: Record<FaultKindName, FaultKind> = {
  status: { validate: none, answer: 'whole' },
  delay: { validate: none, answer: 'whole' },
  reset: {
    // Nothing reaches the client, so a status would be a promise the fault does not keep.
    validate: (input) =>
      input.status === undefined
        ? []
        : [
            {
              message: 'status: a reset sends no answer; leave status out',
              code: 'INVALID_VALUE',
              in: 'status',
            },
          ],
    answer: 'reset',
  },
  'close-after-headers': { validate: none, answer: 'headers' },
  empty: { validate: none, answer: 'empty' },
  truncate: { validate: none, answer: 'half' },
  drip: { validate: none, answer: 'paced' },
};

export function kindOf(input: FaultEffectInput): FaultKindName {
  if (input.action !== undefined) return input.action;
  return input.status !== undefined ? 'status' : 'delay';
}

/**
 * The effect of a schema-valid input, or the problems its kind finds. Before the route runs nothing
 * is stored, so an answer a fault shapes is an error: `status`, or DEFAULT_FAULT_STATUS.
 */
export function resolveEffect(input: FaultEffectInput): FaultEffect | ErrorDetail[] {
  const kind = kindOf(input);
  const problems = FAULT_KINDS[kind].validate(input);
  if (problems.length > 0) return problems;
  const when = input.when ?? 'before';
  const delay = input.delayMs === undefined ? {} : { delayMs: input.delayMs };
  switch (kind) {
    case 'status':
      return { kind, when, status: input.status as FaultStatus, ...delay };
    case 'delay':
      return { kind, when, delayMs: input.delayMs as number };
    case 'reset':
      return { kind, when, ...delay };
    case 'drip':
      return { kind, when, ...statusOf(input, when), delayMs: input.delayMs ?? DEFAULT_DRIP_MS };
    default:
      return { kind, when, ...statusOf(input, when), ...delay };
  }
}

function statusOf(input: FaultEffectInput, when: FaultWhen): { status?: FaultStatus } {
  if (input.status !== undefined) return { status: input.status };
  return when === 'before' ? { status: DEFAULT_FAULT_STATUS } : {};
}

/** The header a request names its own fault with, where the server allows it. */
export const FAULT_HEADER_NAME = 'X-Timeline-Fault';

/**
 * `X-Timeline-Fault: 503`, `reset`, `truncate;when=after`, `drip;delayMs=3000`: the first part is a
 * status or an action, the others `name=value` fields of a fault. Answers the fields, for the
 * schema to check; an integer-looking value is read as a number.
 */
export function parseFaultHeader(value: string): Record<string, unknown> {
  const [first = '', ...rest] = value.split(';').map((part) => part.trim());
  // No prototype: a part named `__proto__` is a field like any other (and refused as unknown).
  const fields: Record<string, unknown> = Object.create(null);
  const typed = (text: string) => (/^-?\d{1,15}$/.test(text) ? Number(text) : text);
  const head = typed(first);
  if (typeof head === 'number') fields.status = head;
  else fields.action = head;
  for (const part of rest) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq).trim();
    fields[name] = eq < 0 ? true : typed(part.slice(eq + 1).trim());
  }
  return fields;
}
