/**
 * What a JSON Schema validator (Ajv, as Fastify runs it, or `schema-check.ts` for code that is not
 * behind a route) found, as HubSpot's ErrorDetails: each names its field the way HubSpot does
 * (`tokens[0].name`, `match.portalId`) and says what is wrong in words a user reads, not Ajv's.
 */
import type { DetailCode, ErrorDetail } from '../errors.js';

/** The fields of an Ajv error that the messages are built from. */
export interface SchemaError {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const CODES: Record<string, DetailCode> = {
  required: 'REQUIRED_FIELD',
  type: 'INVALID_TYPE',
  enum: 'INVALID_ENUM',
  const: 'INVALID_VALUE',
  pattern: 'INVALID_FORMAT',
  format: 'INVALID_FORMAT',
  minLength: 'REQUIRED_FIELD',
  maxItems: 'TOO_MANY',
  minItems: 'TOO_FEW',
  maxLength: 'TOO_LONG',
  minimum: 'INVALID_VALUE',
  maximum: 'INVALID_VALUE',
  exclusiveMinimum: 'INVALID_VALUE',
  exclusiveMaximum: 'INVALID_VALUE',
  additionalProperties: 'INVALID_VALUE',
  anyOf: 'REQUIRED_FIELD',
};

/**
 * @param errors what the validator reported (all of them: Ajv runs with `allErrors`)
 * @param where the part of the request validated (`body`, `querystring`), named when the problem is
 *   the whole of it
 * @param schema the schema validated against, when known: an unknown field's message lists the
 *   fields the object takes
 */
export function schemaDetails(
  errors: readonly SchemaError[],
  where: string | undefined,
  schema?: unknown,
): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const error of withoutAlternatives(errors)) {
    const detail = detailOf(error, where, schema);
    const key = `${detail.in} ${detail.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(detail);
  }
  return details;
}

/** `tokens/0/name` as HubSpot names it: `tokens[0].name`. */
function fieldPath(instancePath: string | undefined): string {
  return (instancePath ?? '')
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

const join = (parent: string, child: string) => (parent ? `${parent}.${child}` : child);

/**
 * An `anyOf` (a value that may take one of several shapes) fails with the errors of every shape
 * beside its own: one problem is clearer. "One of these fields is required" when every shape
 * missed only its field, "must be a string or null" when every shape missed only its type;
 * otherwise the shapes' own problems, which name the fields.
 */
function withoutAlternatives(errors: readonly SchemaError[]): SchemaError[] {
  const groups = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  if (groups.length === 0) return [...errors];
  const out: SchemaError[] = [];
  const inGroup = (error: SchemaError, group: SchemaError) =>
    error !== group && (error.schemaPath ?? '').startsWith(`${group.schemaPath}/`);
  for (const error of errors) {
    const group = groups.find((g) => inGroup(error, g));
    if (group) continue;
    if (!groups.includes(error)) {
      out.push(error);
      continue;
    }
    const branches = errors.filter((e) => inGroup(e, error));
    if (branches.every((e) => e.keyword === 'required')) {
      const fields = branches.map((e) => String(e.params?.missingProperty));
      out.push({ ...error, keyword: 'anyOf', params: { fields } });
    } else if (branches.every((e) => e.keyword === 'type' && e.instancePath === error.instancePath)) {
      const types = branches.map((e) => String(e.params?.type));
      out.push({ ...error, keyword: 'type', params: { type: types.join(',') } });
    } else if (branches.every((e) => e.keyword === 'const' && e.instancePath === error.instancePath)) {
      const allowedValues = branches.map((e) => e.params?.allowedValue);
      out.push({ ...error, keyword: 'enum', params: { allowedValues } });
    } else {
      out.push(...withoutAlternatives(branches.filter((e) => e.keyword !== 'required')));
    }
  }
  return out;
}

function detailOf(error: SchemaError, where: string | undefined, schema: unknown): ErrorDetail {
  const params = error.params ?? {};
  let path = fieldPath(error.instancePath);
  if (error.keyword === 'required' && typeof params.missingProperty === 'string')
    path = join(path, params.missingProperty);
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string')
    path = join(path, params.additionalProperty);
  const fields = Array.isArray(params.fields) ? params.fields.map(String) : [];
  if (error.keyword === 'anyOf' && fields[0]) path = join(path, fields[0]);
  const field = path || (where === 'body' || where === undefined ? 'body' : where);
  const detail: ErrorDetail = { message: readableMessage(field, error, schema), in: field };
  const code = CODES[error.keyword ?? ''];
  if (code) detail.code = code;
  return detail;
}

function readableMessage(field: string, error: SchemaError, schema: unknown): string {
  const params = error.params ?? {};
  const limit = String(params.limit);
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'anyOf':
      return `give ${orList((params.fields as string[]).map((f) => join(parentOf(field), f)))}`;
    case 'type':
      return `${field} must be ${orList(String(params.type).split(',').map(article))}`;
    case 'enum':
      return Array.isArray(params.allowedValues)
        ? `${field} must be one of ${(params.allowedValues as unknown[]).join(', ')}`
        : `${field} is not one of the allowed values`;
    case 'const':
      return `${field} must be ${JSON.stringify(params.allowedValue)}`;
    case 'minLength':
      return Number(params.limit) <= 1
        ? `${field} must not be empty`
        : `${field} must be at least ${limit} characters long`;
    case 'maxLength':
      return `${field} must be at most ${limit} characters long`;
    case 'maxItems':
      return `${field} must have at most ${limit} items`;
    case 'minItems':
      return `${field} must have at least ${limit} items`;
    case 'minimum':
      return `${field} must be at least ${limit}`;
    case 'maximum':
      return `${field} must be at most ${limit}`;
    case 'exclusiveMinimum':
      return `${field} must be above ${limit}`;
    case 'exclusiveMaximum':
      return `${field} must be below ${limit}`;
    case 'pattern':
      return `${field} is not in the expected format`;
    case 'format':
      return `${field} must be ${FORMATS[String(params.format)] ?? `in the ${String(params.format)} format`}`;
    case 'additionalProperties': {
      const known = knownFields(schema, error.schemaPath);
      return known.length > 0
        ? `${field} is not a field this takes; use ${orList(known)}`
        : `${field} is not a field this takes`;
    }
    default:
      return `${field} is not valid`;
  }
}

const FORMATS: Record<string, string> = {
  'date-time': 'an ISO 8601 instant with its offset, such as 2026-03-01T12:00:00Z',
};

function parentOf(field: string): string {
  const dot = field.lastIndexOf('.');
  return dot < 0 ? '' : field.slice(0, dot);
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    object: 'an object',
    array: 'an array',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return names[type] ?? type;
}

/** The `properties` of the object schema an `additionalProperties` error's schema path points into. */
function knownFields(schema: unknown, schemaPath: string | undefined): string[] {
  if (schema === undefined || !schemaPath?.startsWith('#/')) return [];
  let node: unknown = schema;
  for (const part of schemaPath.slice(2).split('/').slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return [];
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const properties = (node as { properties?: unknown } | undefined)?.properties;
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
}
