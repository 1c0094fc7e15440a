/**
 * The rules of an app event type's project file (`src/app/app-events/<name>-hsmeta.json`, HubSpot's
 * developer platform). One document in, one definition out, or a 400 listing
 * every problem, each naming the file, the field and the limit it breaks.
 */
import { ApiError, type ErrorDetail } from '../errors.js';
import { checkTemplateSource } from '../render/template-check.js';
import { isObject, type JsonObject } from './json.js';
import { asRecord, duplicateNameProblems, optionProblems, type TokenInput } from './token-rules.js';
import { reservedNameProblem, TOKEN_NAME_PATTERN, TOKEN_TYPES, type TokenType } from './types.js';

/** HubSpot's limits of an app event type (the developer docs' "create and manage event types"). */
export const AppEventTypeLimits = {
  MAX_NAME_LENGTH: 50,
  MAX_HEADER_TEMPLATE_LENGTH: 1000,
  MAX_DETAIL_TEMPLATE_LENGTH: 10_000,
  MAX_PROPERTIES: 500,
  /** *Ours*: HubSpot states no length for a uid; 64 keeps `ae{appId}_{uid}` a readable name. */
  MAX_UID_LENGTH: 64,
} as const;

/** `config.objectType` values (HubSpot's are upper case; older copies show lower case: both pass). */
const OBJECT_TYPES: Record<string, string> = {
  CONTACT: 'contacts',
  COMPANY: 'companies',
  DEAL: 'deals',
  TICKET: 'tickets',
  // App objects have no CRM API here: their occurrences need an objectId of a record that exists
  // (made with --auto-create-records).
  APP_OBJECT: 'APP_OBJECT',
};

/**
 * The stored objectType of a type declared with `supportsCustomObject: true`: each occurrence names
 * its object type (`objectTypeFullyQualifiedName`) instead.
 */
export const CUSTOM_OBJECT_TYPE_MARKER = 'CUSTOM_OBJECT';

/** *Ours*: a uid is letters, digits, `_`, `-` and `.` (HubSpot publishes no pattern). */
const UID_PATTERN = /^[A-Za-z0-9_.-]+$/;

export interface AppEventTypeDefinition {
  uid: string;
  name: string;
  /** `contacts`, `companies`, `deals`, `tickets`, `APP_OBJECT` or CUSTOM_OBJECT_TYPE_MARKER. */
  objectType: string;
  headerTemplate?: string;
  detailTemplate?: string;
  properties: TokenInput[];
}

/** HubSpot's spelling of a stored objectType, for listings. */
export function wireObjectType(objectType: string): string {
  const found = Object.entries(OBJECT_TYPES).find(([, stored]) => stored === objectType);
  return found ? found[0] : objectType;
}

/**
 * Reads one hsmeta document; `file` names it in every problem (a path, or `request body`).
 * @throws ApiError APP_EVENT_TYPE_INVALID listing every problem
 */
export function readAppEventType(document: unknown, file: string): AppEventTypeDefinition {
  const problems: ErrorDetail[] = [];
  const problem = (field: string, code: ErrorDetail['code'], text: string) =>
    problems.push({ message: `${file}: ${field} ${text}`, code, in: field, context: { file: [file] } });
  if (!isObject(document)) {
    problem('document', 'INVALID_TYPE', 'must be a JSON object');
    throw invalid(file, problems);
  }
  const uid = readText('uid', document.uid, AppEventTypeLimits.MAX_UID_LENGTH, problem);
  if (uid !== undefined && !UID_PATTERN.test(uid))
    problem('uid', 'INVALID_FORMAT', "may only hold letters, digits, '_', '-' and '.'");
  if (document.type === undefined) problem('type', 'REQUIRED_FIELD', "is required ('app-event')");
  else if (document.type !== 'app-event') problem('type', 'INVALID_VALUE', "must be 'app-event'");

  const config = document.config;
  if (!isObject(config)) {
    problem('config', config === undefined ? 'REQUIRED_FIELD' : 'INVALID_TYPE', 'must be an object');
    throw invalid(file, problems);
  }
  const name = readText('config.name', config.name, AppEventTypeLimits.MAX_NAME_LENGTH, problem);

  const objectType = readObjectType(config, problem);
  const headerTemplate = readSource(
    config,
    'headerTemplate',
    AppEventTypeLimits.MAX_HEADER_TEMPLATE_LENGTH,
    problem,
  );
  const detailTemplate = readSource(
    config,
    'detailTemplate',
    AppEventTypeLimits.MAX_DETAIL_TEMPLATE_LENGTH,
    problem,
  );
  const properties = readProperties(config.properties, problems, problem);
  if (problems.length > 0) throw invalid(file, problems);
  const definition: AppEventTypeDefinition = {
    uid: uid as string,
    name: name as string,
    objectType: objectType as string,
    properties,
  };
  if (headerTemplate !== undefined) definition.headerTemplate = headerTemplate;
  if (detailTemplate !== undefined) definition.detailTemplate = detailTemplate;
  return definition;
}

type Report = (field: string, code: ErrorDetail['code'], text: string) => void;

/** A required text of at most `max` characters, not blank; undefined (and reported) otherwise. */
function readText(field: string, value: unknown, max: number, problem: Report): string | undefined {
  if (value === undefined) problem(field, 'REQUIRED_FIELD', 'is required');
  else if (typeof value !== 'string' || value.trim() === '')
    problem(field, 'INVALID_TYPE', 'must be a non-empty string');
  else if (value.length > max)
    problem(field, 'TOO_LONG', `is ${value.length} characters; the limit is ${max}`);
  else return value;
  return undefined;
}

function readObjectType(config: JsonObject, problem: Report): string | undefined {
  const value = config.objectType;
  if (config.supportsCustomObject === true) {
    if (value !== undefined)
      problem('config.objectType', 'INVALID_VALUE', 'must be absent when supportsCustomObject is true');
    return CUSTOM_OBJECT_TYPE_MARKER;
  }
  if (config.supportsCustomObject !== undefined && typeof config.supportsCustomObject !== 'boolean')
    problem('config.supportsCustomObject', 'INVALID_TYPE', 'must be true or false');
  const allowed = Object.keys(OBJECT_TYPES).join(', ');
  if (value === undefined) {
    problem('config.objectType', 'REQUIRED_FIELD', `is required (${allowed}, or supportsCustomObject: true)`);
    return undefined;
  }
  const stored = typeof value === 'string' ? OBJECT_TYPES[value.toUpperCase()] : undefined;
  if (stored === undefined) problem('config.objectType', 'INVALID_ENUM', `must be one of ${allowed}`);
  return stored;
}

function readSource(config: JsonObject, field: string, limit: number, problem: Report): string | undefined {
  const value = config[field];
  if (value === undefined || value === null) return undefined;
  const at = `config.${field}`;
  if (typeof value !== 'string') {
    problem(at, 'INVALID_TYPE', 'must be a string');
    return undefined;
  }
  if (value.length > limit) {
    problem(at, 'TOO_LONG', `is ${value.length} characters; the limit is ${limit}`);
    return undefined;
  }
  const broken = checkTemplateSource(value);
  if (broken) problem(at, 'INVALID_TEMPLATE', `is not a valid template: ${broken.message}`);
  return value;
}

function readProperties(value: unknown, problems: ErrorDetail[], problem: Report): TokenInput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem('config.properties', 'INVALID_TYPE', 'must be an array');
    return [];
  }
  if (value.length > AppEventTypeLimits.MAX_PROPERTIES) {
    problem(
      'config.properties',
      'TOO_MANY',
      `has ${value.length} properties; the limit is ${AppEventTypeLimits.MAX_PROPERTIES}`,
    );
    return [];
  }
  const properties: TokenInput[] = [];
  value.forEach((raw, i) => {
    const at = `config.properties[${i}]`;
    const property = asRecord(raw);
    if (!property) {
      problem(at, 'INVALID_TYPE', 'must be an object');
      return;
    }
    const before = problems.length;
    const { name, label, type } = property;
    if (typeof name !== 'string' || name === '')
      problem(
        `${at}.name`,
        name === undefined ? 'REQUIRED_FIELD' : 'INVALID_TYPE',
        'must be a non-empty string',
      );
    else if (!TOKEN_NAME_PATTERN.test(name))
      problem(`${at}.name`, 'INVALID_FORMAT', "may only hold letters, digits, '.', '-' and '_'");
    else if (reservedNameProblem(name) !== undefined)
      problem(`${at}.name`, 'INVALID_VALUE', `${reservedNameProblem(name)}`);
    if (typeof label !== 'string' || label === '')
      problem(
        `${at}.label`,
        label === undefined ? 'REQUIRED_FIELD' : 'INVALID_TYPE',
        'must be a non-empty string',
      );
    if (!(TOKEN_TYPES as readonly unknown[]).includes(type))
      problem(
        `${at}.type`,
        type === undefined ? 'REQUIRED_FIELD' : 'INVALID_ENUM',
        `must be one of ${TOKEN_TYPES.join(', ')}`,
      );
    // *Ours*: no source shows stamping for app events; a property that asks for it is refused
    // rather than silently not stamped.
    if (property.objectPropertyName !== undefined)
      problem(`${at}.objectPropertyName`, 'INVALID_VALUE', 'is not supported by app event types');
    // Found by the fuzzer: `options: 0` passed to the shared option rules, which expect a list.
    if (type === 'enumeration' && property.options !== undefined && !Array.isArray(property.options))
      problem(`${at}.options`, 'INVALID_TYPE', 'must be a list of {value, label} objects');
    if (type === 'enumeration' && Array.isArray(property.options)) {
      property.options.forEach((option, j) => {
        const o = asRecord(option);
        if (typeof o?.value !== 'string' || typeof o?.label !== 'string')
          problem(`${at}.options[${j}]`, 'INVALID_TYPE', 'must be an object with string value and label');
      });
    }
    for (const found of optionProblems(type, property.options, `${at}.`)) {
      problem(
        found.in ?? at,
        found.code,
        found.message.replace(/^./, (c) => c.toLowerCase()),
      );
    }
    if (problems.length > before) return;
    const input: TokenInput = { name: name as string, label: label as string, type: type as TokenType };
    if (type === 'enumeration') input.options = property.options as TokenInput['options'];
    properties.push(input);
  });
  for (const found of duplicateNameProblems(value)) {
    problem(`config.properties${(found.in ?? '').replace(/^tokens/, '')}`, found.code, found.message);
  }
  return properties;
}

function invalid(file: string, problems: ErrorDetail[]): ApiError {
  const first = problems[0]?.message ?? `${file} is not valid`;
  const detail = problems.length <= 1 ? first : `${first} (and ${problems.length - 1} more)`;
  return new ApiError(
    'APP_EVENT_TYPE_INVALID',
    { file, detail },
    { details: problems, context: { file: [file] } },
  );
}
