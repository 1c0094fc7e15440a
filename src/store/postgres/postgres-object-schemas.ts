/**
 * Custom object schemas in PostgreSQL: one row per portal and object type, unique by name within the
 * portal (a unique index, so two concurrent creates of one name cannot both pass). `2-N` ids come
 * from a sequence and are never reused.
 */
import type pg from 'pg';
import type { NewObjectSchema, StoreFailure } from '../../domain/store.js';
import type { ObjectSchema } from '../../domain/types.js';
import { type ObjectSchemaRow, objectSchemaBody, objectSchemaFromRow } from '../rows.js';
import { run } from './postgres-pool.js';

const S = {
  list: {
    name: 'schema_list',
    text: 'SELECT * FROM object_schemas WHERE portal_id = $1 ORDER BY created_at, object_type_id',
  },
  get: {
    name: 'schema_get',
    text: 'SELECT * FROM object_schemas WHERE portal_id = $1 AND (object_type_id = $2 OR name = $2)',
  },
  insert: {
    name: 'schema_insert',
    text: `INSERT INTO object_schemas (portal_id, object_type_id, name, body, created_at, updated_at)
           VALUES ($1, '2-' || nextval('object_schema_ids'), $2, $3, $4, $5)
           ON CONFLICT (portal_id, name) DO NOTHING RETURNING *`,
  },
};

export class PostgresObjectSchemas {
  constructor(private readonly pool: pg.Pool) {}

  async insert(schema: NewObjectSchema): Promise<ObjectSchema | StoreFailure> {
    const [row] = await run<ObjectSchemaRow>(this.pool, S.insert, [
      schema.portalId,
      schema.name,
      objectSchemaBody(schema),
      schema.createdAt,
      schema.updatedAt,
    ]);
    if (!row) return { ok: false, code: 'SCHEMA_NAME_TAKEN', params: { name: schema.name } };
    return objectSchemaFromRow(row);
  }

  async list(portalId: number): Promise<ObjectSchema[]> {
    return (await run<ObjectSchemaRow>(this.pool, S.list, [portalId])).map(objectSchemaFromRow);
  }

  async get(portalId: number, key: string): Promise<ObjectSchema | undefined> {
    const [row] = await run<ObjectSchemaRow>(this.pool, S.get, [portalId, key]);
    return row && objectSchemaFromRow(row);
  }
}
