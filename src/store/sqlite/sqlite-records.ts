/**
 * CRM record statements for SQLite. Callers wrap them in a transaction where several must commit
 * together (event writes, updates); the methods themselves never open one. Contacts found by email
 * are cached (`sqlite-contact-cache.ts`): a caller that commits or rolls back tells this class
 * (`afterCommit`, `afterRollback`), and writes outside the event path end with `forgetCached`.
 */
import type Database from 'better-sqlite3';
import { recordSearchKeys } from '../../domain/record-search.js';
import { CANONICAL_ID, type RecordWriteResult, type StoreFailure } from '../../domain/store.js';
import type { ObjectType } from '../../domain/types.js';
import { emailKey, mergedRow, type RecordRow, recordFromRow } from '../rows.js';
import { ContactCache } from './sqlite-contact-cache.js';

/** Sets the records search's keys of one record (the writer and the timeline's reads both do). */
export const UPDATE_SEARCH_KEYS = `UPDATE timeline_record_search SET email = ?, email_domain = ?, domain = ?
  WHERE portal_id = ? AND object_type = ? AND object_id = ?`;

/** A record write as the writer sees it: the row written (or found unchanged), or why not. */
export type RowWriteResult = { ok: true; row: RecordRow } | StoreFailure;

function withRecord(result: RowWriteResult): RecordWriteResult {
  return result.ok ? { ok: true, record: recordFromRow(result.row) } : result;
}

export class SqliteRecords {
  private readonly statements;
  private readonly contacts = new ContactCache();

  constructor(private readonly db: Database.Database) {
    this.statements = {
      find: db.prepare('SELECT * FROM crm_records WHERE portal_id = ? AND object_type = ? AND id = ?'),
      findByEmail: db.prepare(
        "SELECT * FROM crm_records WHERE portal_id = ? AND email_key = ? AND object_type = 'contacts'",
      ),
      insert: db.prepare(
        'INSERT INTO crm_records (portal_id, object_type, id, email_key, properties, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare(
        'UPDATE crm_records SET email_key = ?, properties = ?, updated_at = ?, property_times = ? WHERE portal_id = ? AND object_type = ? AND id = ?',
      ),
      delete: db.prepare('DELETE FROM crm_records WHERE portal_id = ? AND object_type = ? AND id = ?'),
      // The records search's keys of a record that has them (its events are indexed); a record
      // without them gets them from the timeline indexer when its first event is indexed.
      searchKeys: db.prepare(UPDATE_SEARCH_KEYS),
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
    const key = emailKey(email);
    const cached = this.contacts.get(portalId, key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.statements.findByEmail.get(portalId, key) as RecordRow | undefined;
    this.contacts.set(portalId, key, row ?? null, this.db.inTransaction);
    return row;
  }

  /** The caller's transaction committed: what it wrote is now what the cache may answer. */
  afterCommit(): void {
    this.contacts.afterCommit();
  }

  /** The caller's transaction or savepoint rolled back: forget what it wrote or read. */
  afterRollback(): void {
    this.contacts.afterRollback();
  }

  /** After a write outside the event path (CRM API create, update, archive), committed or not. */
  forgetCached(): void {
    this.contacts.clear();
  }

  /** Keeps the cache in step with a contact row just written (its old email key, when it moved). */
  private wrote(row: RecordRow, previousKey: string | null): void {
    if (row.object_type !== 'contacts') return;
    if (previousKey !== null && previousKey !== row.email_key)
      this.contacts.set(row.portal_id, previousKey, null, this.db.inTransaction);
    if (row.email_key !== null) this.contacts.set(row.portal_id, row.email_key, row, this.db.inTransaction);
  }

  /** Creates a record; `explicitId` (numeric) is used for records created on an event's objectId. */
  create(
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
    explicitId?: string,
  ): RecordWriteResult {
    return withRecord(this.createRow(portalId, objectType, properties, now, explicitId));
  }

  /** `create` answering the row alone (the event writer needs no parsed record). */
  createRow(
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
    explicitId?: string,
  ): RowWriteResult {
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
    // A generated id is new; an explicit one may be a deleted record's, whose keys are still there.
    if (explicitId !== undefined) this.keepSearchKeys(row, properties);
    this.wrote(row, null);
    return { ok: true, row };
  }

  /** Merges properties into the row; a contact's new email must not belong to another contact. */
  merge(row: RecordRow, changes: Record<string, string>, now: number): RecordWriteResult {
    return withRecord(this.mergeRow(row, changes, now));
  }

  /** `merge` answering the row alone; a merge that changes nothing answers the row given. */
  mergeRow(row: RecordRow, changes: Record<string, string>, now: number): RowWriteResult {
    const merge = mergedRow(row, changes, now);
    if (!merge) return { ok: true, row };
    if (merge.newEmailKey !== undefined) {
      const existing = this.findContactByEmail(row.portal_id, merge.newEmailKey);
      if (existing) return { ok: false, code: 'CONTACT_EXISTS', params: { existingId: existing.id } };
    }
    const updated = merge.row;
    this.statements.update.run(
      updated.email_key,
      updated.properties,
      now,
      updated.property_times,
      row.portal_id,
      row.object_type,
      row.id,
    );
    if ('email' in changes || 'domain' in changes)
      this.keepSearchKeys(updated, JSON.parse(updated.properties));
    this.wrote(updated, row.email_key);
    return { ok: true, row: updated };
  }

  /**
   * The search keys follow a change of the properties they come from, in the same transaction, so
   * the timeline indexer need not read every indexed record's properties again.
   */
  private keepSearchKeys(row: RecordRow, properties: Record<string, string>): void {
    const keys = recordSearchKeys(properties);
    this.statements.searchKeys.run(
      keys.email,
      keys.emailDomain,
      keys.domain,
      row.portal_id,
      row.object_type,
      row.id,
    );
  }

  delete(portalId: number, objectType: ObjectType, id: string): boolean {
    if (!CANONICAL_ID.test(id)) return false;
    this.contacts.clear();
    return this.statements.delete.run(portalId, objectType, Number(id)).changes === 1;
  }

  page(portalId: number, objectType: ObjectType, limit: number, after?: string): RecordRow[] {
    const from = after !== undefined && CANONICAL_ID.test(after) ? Number(after) : 0;
    return this.statements.page.all(portalId, objectType, from, limit) as RecordRow[];
  }
}
