/** CRM records (contacts, companies, deals, tickets and custom objects) and custom object schemas. */
import type { CrmRecord, ObjectSchema, ObjectType } from '../types.js';
import type { StoreFailure } from './results.js';

export type RecordWriteResult = { ok: true; record: CrmRecord } | StoreFailure;

export interface RecordPage {
  records: CrmRecord[];
  /** The cursor of the next page, absent on the last one. */
  after?: string;
}

/** A custom object schema before the store gives it its objectTypeId. */
export type NewObjectSchema = Omit<ObjectSchema, 'objectTypeId'>;

/**
 * Ids the stores keep as integers (templates, records) are accepted only in canonical decimal form,
 * so `0123` is not taken for `123`.
 */
export const CANONICAL_ID = /^(0|[1-9]\d{0,14})$/;

export interface RecordStore {
  createRecord(
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult>;
  getRecord(portalId: number, objectType: ObjectType, id: string): Promise<CrmRecord | undefined>;
  /** Merges `properties` into the record; CRM_OBJECT_NOT_FOUND or CONTACT_EXISTS on failure. */
  updateRecord(
    portalId: number,
    objectType: ObjectType,
    id: string,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult>;
  archiveRecord(portalId: number, objectType: ObjectType, id: string): Promise<boolean>;
  listRecords(portalId: number, objectType: ObjectType, limit: number, after?: string): Promise<RecordPage>;
  findContactByEmail(portalId: number, email: string): Promise<CrmRecord | undefined>;

  // Custom object schemas
  /** Gives the schema the next `2-N` id; SCHEMA_NAME_TAKEN when the portal has one of that name. */
  insertObjectSchema(schema: NewObjectSchema): Promise<ObjectSchema | StoreFailure>;
  listObjectSchemas(portalId: number): Promise<ObjectSchema[]>;
  /** The portal's schema whose objectTypeId or name is `key`. */
  getObjectSchema(portalId: number, key: string): Promise<ObjectSchema | undefined>;
}
