/**
 * The minimal CRM objects API events attach to: create, read, update, archive, list, and contact
 * search by email, in HubSpot's v3 shapes (`/crm/v3/objects/{objectType}`).
 */
import { ApiError, type ErrorDetail, invalidInput } from '../errors.js';
import type { Clock } from './clock.js';
import { contactEmail, withContactEmail } from './contact-email.js';
import { describe } from './events/event-values.js';
import { isObject, setOwn } from './json.js';
import type { Store } from './store.js';
import type { CrmRecord, ObjectType } from './types.js';

export interface RecordPageOut {
  results: CrmRecord[];
  after?: string;
}

export class RecordService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** @param requiredProperties a custom object schema's required properties, refused when absent. */
  async create(
    portalId: number,
    objectType: ObjectType,
    body: unknown,
    requiredProperties: readonly string[] = [],
  ): Promise<CrmRecord> {
    const properties = withContactEmail(objectType, readProperties(body));
    const missing = requiredProperties.filter((name) => (properties[name] ?? '') === '');
    if (missing.length > 0) {
      throw invalidInput(
        missing.map((name) => ({
          message: `The required property '${name}' is missing`,
          code: 'REQUIRED_FIELD' as const,
          in: `properties.${name}`,
        })),
      );
    }
    const result = await this.store.createRecord(portalId, objectType, properties, this.clock.now());
    if (!result.ok) throw new ApiError(result.code, result.params);
    return result.record;
  }

  async get(portalId: number, objectType: ObjectType, id: string, idProperty?: string): Promise<CrmRecord> {
    // HubSpot's `idProperty=email` reads a contact by its email instead of its id.
    const record =
      idProperty === 'email' && objectType === 'contacts'
        ? await this.store.findContactByEmail(portalId, contactEmail(id))
        : await this.store.getRecord(portalId, objectType, id);
    if (!record) throw new ApiError('CRM_OBJECT_NOT_FOUND', { id });
    return record;
  }

  async update(
    portalId: number,
    objectType: ObjectType,
    id: string,
    body: unknown,
    idProperty?: string,
  ): Promise<CrmRecord> {
    const properties = withContactEmail(objectType, readProperties(body));
    const recordId =
      idProperty === undefined ? id : (await this.get(portalId, objectType, id, idProperty)).id;
    const result = await this.store.updateRecord(
      portalId,
      objectType,
      recordId,
      properties,
      this.clock.now(),
    );
    if (!result.ok) throw new ApiError(result.code, result.params);
    return result.record;
  }

  async archive(portalId: number, objectType: ObjectType, id: string): Promise<void> {
    // HubSpot answers 204 for an archive of a record that is already gone.
    await this.store.archiveRecord(portalId, objectType, id);
  }

  async list(
    portalId: number,
    objectType: ObjectType,
    limit: number,
    after?: string,
  ): Promise<RecordPageOut> {
    const page = await this.store.listRecords(portalId, objectType, limit, after);
    return page.after === undefined
      ? { results: page.records }
      : { results: page.records, after: page.after };
  }

  /** Contact search; only an `email` `EQ` filter is understood, as events need no more. */
  async searchContacts(portalId: number, body: unknown): Promise<CrmRecord[]> {
    const email = readEmailFilter(body);
    const contact = await this.store.findContactByEmail(portalId, contactEmail(email));
    return contact ? [contact] : [];
  }
}

/** HubSpot stores every property value as a string; numbers and booleans are turned into one. */
export function readProperties(body: unknown): Record<string, string> {
  if (!isObject(body) || !isObject(body.properties)) {
    throw invalidInput([
      {
        message: 'properties must be an object of property values',
        code: 'REQUIRED_FIELD',
        in: 'properties',
      },
    ]);
  }
  const problems: ErrorDetail[] = [];
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(body.properties)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      setOwn(properties, name, String(value));
    else if (value === null) setOwn(properties, name, '');
    else
      problems.push({
        message: `Property '${name}' must be a string, number or boolean, got ${describe(value)}`,
        code: 'INVALID_TYPE',
        in: `properties.${name}`,
      });
  }
  if (problems.length > 0) throw invalidInput(problems);
  return properties;
}

function readEmailFilter(body: unknown): string {
  const groups = isObject(body) && Array.isArray(body.filterGroups) ? body.filterGroups : [];
  for (const group of groups) {
    const filters = isObject(group) && Array.isArray(group.filters) ? group.filters : [];
    for (const filter of filters) {
      if (
        isObject(filter) &&
        filter.propertyName === 'email' &&
        filter.operator === 'EQ' &&
        typeof filter.value === 'string'
      ) {
        return filter.value;
      }
    }
  }
  throw invalidInput([
    {
      message:
        'This server supports contact search by one filter only: {"propertyName": "email", "operator": "EQ", "value": "..."}',
      code: 'UNSUPPORTED_FILTER',
      in: 'filterGroups',
    },
  ]);
}
