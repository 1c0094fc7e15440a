/**
 * Custom object schemas in SQLite: one row per portal and object type, unique by name within the
 * portal. `2-N` ids come from the sequences table and are never reused.
 */
import type Database from 'better-sqlite3';
import type { NewObjectSchema, StoreFailure } from '../../domain/store.js';
import type { ObjectSchema } from '../../domain/types.js';
import { type ObjectSchemaRow, objectSchemaBody, objectSchemaFromRow } from '../rows.js';

export class SqliteObjectSchemas {
  private readonly statements;
  private readonly insertChecked: Database.Transaction<
    (schema: NewObjectSchema) => ObjectSchema | StoreFailure
  >;

  constructor(db: Database.Database) {
    this.statements = {
      list: db.prepare<[number], ObjectSchemaRow>(
        'SELECT * FROM object_schemas WHERE portal_id = ? ORDER BY created_at, object_type_id',
      ),
      get: db.prepare<[number, string, string], ObjectSchemaRow>(
        'SELECT * FROM object_schemas WHERE portal_id = ? AND (object_type_id = ? OR name = ?)',
      ),
      byName: db.prepare<[number, string], ObjectSchemaRow>(
        'SELECT * FROM object_schemas WHERE portal_id = ? AND name = ?',
      ),
      nextId: db.prepare<[], { id: number }>(
        `INSERT INTO sequences (name, value) VALUES ('object_schema', 1) ON CONFLICT (name)
         DO UPDATE SET value = value + 1 RETURNING value AS id`,
      ),
      insert: db.prepare(
        'INSERT INTO object_schemas (portal_id, object_type_id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
    this.insertChecked = db.transaction((schema: NewObjectSchema) => {
      if (this.statements.byName.get(schema.portalId, schema.name)) {
        return { ok: false, code: 'SCHEMA_NAME_TAKEN', params: { name: schema.name } } as StoreFailure;
      }
      const { id } = this.statements.nextId.get() as { id: number };
      const row: ObjectSchemaRow = {
        portal_id: schema.portalId,
        object_type_id: `2-${id}`,
        name: schema.name,
        body: objectSchemaBody(schema),
        created_at: schema.createdAt,
        updated_at: schema.updatedAt,
      };
      this.statements.insert.run(
        row.portal_id,
        row.object_type_id,
        row.name,
        row.body,
        row.created_at,
        row.updated_at,
      );
      return objectSchemaFromRow(row);
    });
  }

  insert(schema: NewObjectSchema): ObjectSchema | StoreFailure {
    return this.insertChecked.immediate(schema);
  }

  list(portalId: number): ObjectSchema[] {
    return this.statements.list.all(portalId).map(objectSchemaFromRow);
  }

  get(portalId: number, key: string): ObjectSchema | undefined {
    const row = this.statements.get.get(portalId, key, key);
    return row && objectSchemaFromRow(row);
  }
}
