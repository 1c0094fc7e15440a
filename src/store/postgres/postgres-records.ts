/**
 * CRM record statements for PostgreSQL. Each method runs on the `Sql` it is given (the pool, or the
 * client of a transaction); none opens a transaction itself. Concurrent creation is settled by the
 * unique indexes (`INSERT ... ON CONFLICT DO NOTHING`, then read the winner), never by a read first.
 */

import { CANONICAL_ID, type RecordWriteResult } from '../../domain/store.js';
import type { CrmRecord, ObjectType } from '../../domain/types.js';
import { emailKey, mergedRow, type RecordRow, recordFromRow } from '../rows.js';
import { run, type Sql } from './postgres-pool.js';

export type RowResult = (RecordWriteResult & { ok: false }) | { ok: true; record: CrmRecord; row: RecordRow };

const COLUMNS = 'portal_id, object_type, id, email_key, properties, created_at, updated_at';
/** What a read answers: the row a merge starts from, with its properties' change times. */
const READ = `${COLUMNS}, property_times`;
const BY_ID = 'WHERE portal_id = $1 AND object_type = $2 AND id = $3';
// Only contacts have an email_key; the IS NOT NULL lets the planner use the partial unique index.
const BY_EMAIL = 'WHERE portal_id = $1 AND email_key = $2 AND email_key IS NOT NULL';

const S = {
  find: { name: 'crm_find', text: `SELECT ${READ} FROM crm_records ${BY_ID}` },
  findLocked: { name: 'crm_find_locked', text: `SELECT ${READ} FROM crm_records ${BY_ID} FOR UPDATE` },
  byEmail: { name: 'crm_by_email', text: `SELECT ${READ} FROM crm_records ${BY_EMAIL}` },
  byEmailLocked: {
    name: 'crm_by_email_locked',
    text: `SELECT ${READ} FROM crm_records ${BY_EMAIL} FOR UPDATE`,
  },
  // An explicit id ($3) or the next generated one; a taken id or email inserts nothing.
  insert: {
    name: 'crm_insert',
    text: `INSERT INTO crm_records (${COLUMNS})
           VALUES ($1, $2, COALESCE($3::bigint, nextval('crm_record_ids')), $4, $5, $6, $6)
           ON CONFLICT DO NOTHING RETURNING ${READ}`,
  },
  // Keeps generated ids above explicit ones, as SQLite bumps its counter. Sequences are not
  // transactional, so two sessions may race here; a collision left over is caught by the primary
  // key and `create` takes the next value.
  bumpIds: {
    name: 'crm_bump_ids',
    text: `SELECT setval('crm_record_ids', $1::bigint) FROM crm_record_ids WHERE last_value < $1::bigint`,
  },
  // After a collision: rows written with explicit ids that did not bump the sequence (an import, a
  // lost setval race) are jumped over at once rather than one id per attempt.
  resyncIds: {
    name: 'crm_resync_ids',
    text: `SELECT setval('crm_record_ids', GREATEST(last_value, (SELECT coalesce(max(id), 0) FROM crm_records)))
           FROM crm_record_ids`,
  },
  update: {
    name: 'crm_update',
    text: `UPDATE crm_records SET email_key = $4, properties = $5, updated_at = $6, property_times = $7 ${BY_ID}`,
  },
  delete: { name: 'crm_delete', text: `DELETE FROM crm_records ${BY_ID}` },
  page: {
    name: 'crm_page',
    text: `SELECT ${READ} FROM crm_records WHERE portal_id = $1 AND object_type = $2 AND id > $3
           ORDER BY id LIMIT $4`,
  },
};

/** A generated id meeting an explicit one is rare, and resyncs the sequence; more is a bug. */
const MAX_ID_ATTEMPTS = 5;

export class PostgresRecords {
  async find(sql: Sql, portalId: number, objectType: ObjectType, id: string, lock = false) {
    if (!CANONICAL_ID.test(id)) return undefined;
    const [row] = await run<RecordRow>(sql, lock ? S.findLocked : S.find, [portalId, objectType, Number(id)]);
    return row;
  }

  async findContactByEmail(sql: Sql, portalId: number, email: string, lock = false) {
    const [row] = await run<RecordRow>(sql, lock ? S.byEmailLocked : S.byEmail, [portalId, emailKey(email)]);
    return row;
  }

  /** Creates a record with a generated id; a contact's email must be free (CONTACT_EXISTS). */
  async create(
    sql: Sql,
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
  ): Promise<RowResult> {
    const key = objectType === 'contacts' && properties.email ? emailKey(properties.email) : null;
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      if (key !== null) {
        const existing = await this.findContactByEmail(sql, portalId, key);
        if (existing) return { ok: false, code: 'CONTACT_EXISTS', params: { existingId: existing.id } };
      }
      const values = [portalId, objectType, null, key, JSON.stringify(properties), now];
      const [row] = await run<RecordRow>(sql, S.insert, values);
      if (row) return { ok: true, record: recordFromRow(row), row };
      // Nothing inserted: the email was taken meanwhile (checked again above) or the id was.
      if (key === null || !(await this.findContactByEmail(sql, portalId, key)))
        await run(sql, S.resyncIds, []);
    }
    throw new Error(`no free record id after ${MAX_ID_ATTEMPTS} attempts`);
  }

  /** The record with that explicit id, created empty when missing (auto-create on an event). */
  async ensureById(sql: Sql, portalId: number, objectType: ObjectType, id: number, now: number) {
    await run(sql, S.bumpIds, [id]);
    const [row] = await run<RecordRow>(sql, S.insert, [portalId, objectType, id, null, '{}', now]);
    // Not inserted: a concurrent transaction created it first and has committed; use that one.
    return row ?? (await this.find(sql, portalId, objectType, String(id), true));
  }

  /** The contact with that email, created (with `stamps` in it already: one write) when there is none. */
  async contactByEmail(
    sql: Sql,
    portalId: number,
    email: string,
    now: number,
    lock: boolean,
    stamps: Record<string, string> = {},
  ) {
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const found = await this.findContactByEmail(sql, portalId, email, lock);
      if (found) return found;
      const properties = JSON.stringify({ ...stamps, email });
      const [row] = await run<RecordRow>(sql, S.insert, [
        portalId,
        'contacts',
        null,
        emailKey(email) || null,
        properties,
        now,
      ]);
      if (row) return row;
      // Nothing inserted: the email was taken meanwhile (found above next time) or the id was.
      if (!(await this.findContactByEmail(sql, portalId, email))) await run(sql, S.resyncIds, []);
    }
    throw new Error(`no free record id after ${MAX_ID_ATTEMPTS} attempts`);
  }

  /**
   * Merges properties into the row; a contact's new email must not belong to another contact. A
   * concurrent transaction taking that email between the check and the update makes the update
   * fail with a unique violation, which the caller's transaction retries.
   */
  async merge(sql: Sql, row: RecordRow, changes: Record<string, string>, now: number): Promise<RowResult> {
    const merge = mergedRow(row, changes, now);
    if (!merge) return { ok: true, record: recordFromRow(row), row };
    if (merge.newEmailKey !== undefined) {
      const existing = await this.findContactByEmail(sql, row.portal_id, merge.newEmailKey);
      if (existing) return { ok: false, code: 'CONTACT_EXISTS', params: { existingId: existing.id } };
    }
    const updated = merge.row;
    await run(sql, S.update, [
      row.portal_id,
      row.object_type,
      row.id,
      updated.email_key,
      updated.properties,
      now,
      updated.property_times,
    ]);
    return { ok: true, record: recordFromRow(updated), row: updated };
  }

  async delete(sql: Sql, portalId: number, objectType: ObjectType, id: string): Promise<boolean> {
    if (!CANONICAL_ID.test(id)) return false;
    const result = await sql.query({ ...S.delete, values: [portalId, objectType, Number(id)] });
    return result.rowCount === 1;
  }

  async page(sql: Sql, portalId: number, objectType: ObjectType, limit: number, after?: string) {
    const from = after !== undefined && CANONICAL_ID.test(after) ? Number(after) : 0;
    return run<RecordRow>(sql, S.page, [portalId, objectType, from, limit]);
  }
}
