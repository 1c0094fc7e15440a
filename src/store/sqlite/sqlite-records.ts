/**
 * CRM record statements for SQLite. Callers wrap them in a transaction where several must commit
 * together (event writes, updates); the methods themselves never open one.
 */
import type Database from 'better-sqlite3';
import { CANONICAL_ID, type RecordWriteResult } from '../../domain/store.js';
import type { ObjectType } from '../../domain/types.js';
import { emailKey, mergedRow, type RecordRow, recordFromRow } from '../rows.js';

export class SqliteRecords {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      find: db.prepare('SELECT * FROM crm_records WHERE portal_id = ? AND object_type = ? AND id = ?'),
      findByEmail: db.prepare(
        "SELECT * FROM crm_records WHERE portal_id = ? AND email_key = ? AND object_type = 'contacts'",
      ),
      insert: db.prepare(
        'INSERT INTO crm_records (portal_id, object_type, id, email_key, properties, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare(
        'UPDATE crm_records SET email_key = ?, properties = ?, updated_at = ? WHERE portal_id = ? AND object_type = ? AND id = ?',
      ),
      delete: db.prepare('DELETE FROM crm_records WHERE portal_id = ? AND object_type = ? AND id = ?'),
      page: db.prepare(
        'SELECT * FROM crm_records WHERE portal_id = ? AND object_type = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      nextId: db.prepare(
        `INSERT INTO sequences (name, value) VALUES ('crm_record', max(?, 1)) ON CONFLICT (name)
         DO UPDATE SET value = max(value + 1, excluded.value) RETURNING value`,
      ),
    };
  }

  find(portalId: number, objectType: ObjectType, id: string): RecordRow | undefined {
    if (!CANONICAL_ID.test(id)) return undefined;
    return this.statements.find.get(portalId, objectType, Number(id)) as RecordRow | undefined;
  }

  findContactByEmail(portalId: number, email: string): RecordRow | undefined {
    return this.statements.findByEmail.get(portalId, emailKey(email)) as RecordRow | undefined;
  }

  /** Creates a record; `explicitId` (numeric) is used for records created on an event's objectId. */
  create(
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
    explicitId?: string,
  ): RecordWriteResult & { row?: RecordRow } {
    const key = objectType === 'contacts' && properties.email ? emailKey(properties.email) : null;
    if (key !== null) {
      const existing = this.findContactByEmail(portalId, key);
      if (existing) return { ok: false, code: 'CONTACT_EXISTS', params: { existingId: existing.id } };
    }
    const { value: id } = this.statements.nextId.get(explicitId === undefined ? 0 : Number(explicitId)) as {
      value: number;
    };
    const finalId = explicitId === undefined ? id : Number(explicitId);
    const row: RecordRow = {
      portal_id: portalId,
      object_type: objectType,
      id: finalId,
      email_key: key,
      properties: JSON.stringify(properties),
      created_at: now,
      updated_at: now,
    };
    this.statements.insert.run(portalId, objectType, finalId, key, row.properties, now, now);
    return { ok: true, record: recordFromRow(row), row };
  }

  /** Merges properties into the row; a contact's new email must not belong to another contact. */
  merge(
    row: RecordRow,
    changes: Record<string, string>,
    now: number,
  ): RecordWriteResult & { row?: RecordRow } {
    const merge = mergedRow(row, changes, now);
    if (!merge) return { ok: true, record: recordFromRow(row), row };
    if (merge.newEmailKey !== undefined) {
      const existing = this.findContactByEmail(row.portal_id, merge.newEmailKey);
      if (existing) return { ok: false, code: 'CONTACT_EXISTS', params: { existingId: existing.id } };
    }
    const updated = merge.row;
    this.statements.update.run(
      updated.email_key,
      updated.properties,
      now,
      row.portal_id,
      row.object_type,
      row.id,
    );
    return { ok: true, record: recordFromRow(updated), row: updated };
  }

  delete(portalId: number, objectType: ObjectType, id: string): boolean {
    if (!CANONICAL_ID.test(id)) return false;
    return this.statements.delete.run(portalId, objectType, Number(id)).changes === 1;
  }

  page(portalId: number, objectType: ObjectType, limit: number, after?: string): RecordRow[] {
    const from = after !== undefined && CANONICAL_ID.test(after) ? Number(after) : 0;
    return this.statements.page.all(portalId, objectType, from, limit) as RecordRow[];
  }
}
