/**
 * HubSpot's minimal schemas API for custom objects (`/crm/v3/schemas`): create, list, get. A schema
 * belongs to one portal; its records are CRM records of type `objectTypeId` (`2-123`), reachable
 * also by its fully qualified name `p{portalId}_{name}`.
 */
import { ApiError, type ErrorDetail, invalidInput } from '../errors.js';
import type { Clock } from './clock.js';
import { isObject, type JsonObject } from './json.js';
import type { Store } from './store.js';
import {
  CUSTOM_OBJECT_TYPE,
  type ObjectSchema,
  type SchemaProperty,
  STANDARD_OBJECT_TYPES,
} from './types.js';

/** HubSpot: a schema name starts with a letter and holds letters, digits and underscores. */
const SCHEMA_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FULLY_QUALIFIED = /^p(\d+)_(.+)$/;

export function fullyQualifiedName(schema: ObjectSchema): string {
  return `p${schema.portalId}_${schema.name}`;
}

export class ObjectSchemaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * @param schemaProblems what the route's JSON Schema found (types, required fields); the
   *   cross-field rules are added here and all are answered in one 400.
   */
  async create(portalId: number, body: unknown, schemaProblems: ErrorDetail[] = []): Promise<ObjectSchema> {
    const input = isObject(body) ? body : {};
    const problems = [...schemaProblems, ...crossFieldProblems(input, schemaProblems)];
    if (problems.length > 0) throw invalidInput(problems);
    const now = this.clock.now();
    const schema = toNewSchema(portalId, input, now);
    const result = await this.store.insertObjectSchema(schema);
    if ('ok' in result) throw new ApiError(result.code, result.params);
    return result;
  }

  list(portalId: number): Promise<ObjectSchema[]> {
    return this.store.listObjectSchemas(portalId);
  }

  async get(portalId: number, objectType: string): Promise<ObjectSchema> {
    const schema = await this.find(portalId, objectType);
    if (!schema) throw new ApiError('SCHEMA_NOT_FOUND', { objectType });
    return schema;
  }

  /**
   * The object type a path names: a standard type as it is, a custom one by objectTypeId (`2-123`)
   * or fully qualified name (`p{portalId}_{name}`) of a schema of this portal; otherwise HubSpot's
   * "Unable to infer object type".
   */
  async resolveObjectType(
    portalId: number,
    raw: string,
  ): Promise<{ objectType: string; schema?: ObjectSchema }> {
    if ((STANDARD_OBJECT_TYPES as readonly string[]).includes(raw)) return { objectType: raw };
    const schema = await this.find(portalId, raw);
    if (!schema) throw new ApiError('UNKNOWN_OBJECT_TYPE', { objectType: raw });
    return { objectType: schema.objectTypeId, schema };
  }

  /** The `2-N` id of the portal's custom object type named `key` (its id or `p{portalId}_{name}`). */
  async customObjectTypeId(portalId: number, key: string): Promise<string | undefined> {
    return (await this.find(portalId, key))?.objectTypeId;
  }

  private async find(portalId: number, key: string): Promise<ObjectSchema | undefined> {
    if (CUSTOM_OBJECT_TYPE.test(key)) return this.store.getObjectSchema(portalId, key);
    const qualified = FULLY_QUALIFIED.exec(key);
    // A fully qualified name of another portal names nothing here.
    if (!qualified || Number(qualified[1]) !== portalId) return undefined;
    const schema = await this.store.getObjectSchema(portalId, qualified[2] as string);
    return schema?.name === qualified[2] ? schema : undefined;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Rules JSON Schema cannot state: the name's form, and property names that must be defined. */
function crossFieldProblems(input: JsonObject, already: readonly ErrorDetail[]): ErrorDetail[] {
  const named = new Set(already.map((problem) => problem.in));
  const problems: ErrorDetail[] = [];
  if (typeof input.name === 'string' && !SCHEMA_NAME.test(input.name)) {
    problems.push({
      message: `name must start with a letter and hold only letters, digits and underscores, got '${input.name}'`,
      code: 'INVALID_FORMAT',
      in: 'name',
    });
  }
  const defined = new Set(
    (Array.isArray(input.properties) ? input.properties : [])
      .map((property) => (isObject(property) ? property.name : undefined))
      .filter((name): name is string => typeof name === 'string'),
  );
  for (const field of ['requiredProperties', 'searchableProperties', 'secondaryDisplayProperties']) {
    if (named.has(field)) continue;
    strings(input[field]).forEach((name, i) => {
      if (!defined.has(name)) {
        problems.push({
          message: `${field}[${i}] names '${name}', which is not one of the schema's properties`,
          code: 'INVALID_VALUE',
          in: `${field}[${i}]`,
        });
      }
    });
  }
  const primary = input.primaryDisplayProperty;
  if (typeof primary === 'string' && !named.has('primaryDisplayProperty') && !defined.has(primary)) {
    problems.push({
      message: `primaryDisplayProperty names '${primary}', which is not one of the schema's properties`,
      code: 'INVALID_VALUE',
      in: 'primaryDisplayProperty',
    });
  }
  return problems;
}

function toProperty(value: JsonObject): SchemaProperty {
  const property: SchemaProperty = {
    name: value.name as string,
    label: value.label as string,
    type: value.type as string,
    fieldType: value.fieldType as string,
  };
  if (typeof value.description === 'string') property.description = value.description;
  if (typeof value.groupName === 'string') property.groupName = value.groupName;
  if (typeof value.hasUniqueValue === 'boolean') property.hasUniqueValue = value.hasUniqueValue;
  if (typeof value.hidden === 'boolean') property.hidden = value.hidden;
  if (typeof value.displayOrder === 'number') property.displayOrder = value.displayOrder;
  if (Array.isArray(value.options)) {
    property.options = value.options.filter(isObject).map((option) => ({
      label: String(option.label),
      value: String(option.value),
    }));
  }
  return property;
}

function toNewSchema(portalId: number, input: JsonObject, now: number) {
  const labels = isObject(input.labels) ? input.labels : {};
  const schema: Omit<ObjectSchema, 'objectTypeId'> = {
    portalId,
    name: input.name as string,
    labels: {
      ...(typeof labels.singular === 'string' ? { singular: labels.singular } : {}),
      ...(typeof labels.plural === 'string' ? { plural: labels.plural } : {}),
    },
    secondaryDisplayProperties: strings(input.secondaryDisplayProperties),
    searchableProperties: strings(input.searchableProperties),
    requiredProperties: strings(input.requiredProperties),
    properties: (input.properties as unknown[]).filter(isObject).map(toProperty),
    associatedObjects: strings(input.associatedObjects),
    createdAt: now,
    updatedAt: now,
  };
  if (typeof input.description === 'string') schema.description = input.description;
  if (typeof input.primaryDisplayProperty === 'string')
    schema.primaryDisplayProperty = input.primaryDisplayProperty;
  return schema;
}
