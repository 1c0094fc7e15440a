/**
 * The records a batch of events names, found (and for new emails, created) a whole batch at a time
 * before the events are written one by one, so most events need no query of their own.
 *
 * The batch's emails are looked up and its new contacts created in one statement (one
 * round trip, not two), the contacts inserted in email order: two batches taking the same new
 * emails in different orders then lock them in the same order and cannot deadlock. That is exact
 * only when no event of the batch changes an email (the events by email then cannot fail, and no
 * earlier event can give the email to another contact); otherwise each event creates its own.
 */

import { CANONICAL_ID, type EventWrite } from '../../domain/store.js';
import { emailKey, type RecordRow } from '../rows.js';
import { bigintArray, textArray } from './postgres-arrays.js';
import { run, type Sql } from './postgres-pool.js';
import { recordKey } from './postgres-record-activity.js';

const S = {
  byIds: {
    name: 'crm_known_ids',
    text: `SELECT r.portal_id, r.object_type, r.id, r.properties
           FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS k(portal_id, object_type, id)
           CROSS JOIN LATERAL (
             SELECT portal_id, object_type, id, properties FROM crm_records
             WHERE portal_id = k.portal_id AND object_type = k.object_type AND id = k.id LIMIT 1
           ) r`,
  },
  // LATERAL with LIMIT 1: one index lookup per key, whatever the statistics (see postgres-event-rows);
  // only contacts have an email_key (see the migration for why object_type is not named).
  byEmails: {
    name: 'crm_known_emails',
    text: `SELECT r.portal_id, r.email_key, r.id, r.properties
           FROM unnest($1::bigint[], $2::text[]) AS k(portal_id, email_key)
           CROSS JOIN LATERAL (
             SELECT portal_id, email_key, id, properties FROM crm_records
             WHERE portal_id = k.portal_id AND email_key = k.email_key AND email_key IS NOT NULL LIMIT 1
           ) r`,
  },
  // The batch's emails looked up and its new contacts created, in one statement: the contacts to
  // create are the entries with properties that were not found, inserted in the entries' order.
  // Found and created rows share the statement's snapshot; a contact committed by another writer
  // after it is not inserted (ON CONFLICT, after waiting for that writer) and not returned either.
  findOrCreateContacts: {
    name: 'crm_find_or_create_contacts',
    text: `WITH k AS (
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS k(portal_id, email_key, properties, n)
           ), found AS (
             SELECT k.n, r.portal_id, r.email_key, r.id, r.properties FROM k
             CROSS JOIN LATERAL (
               SELECT portal_id, email_key, id, properties FROM crm_records
               WHERE portal_id = k.portal_id AND email_key = k.email_key AND email_key IS NOT NULL LIMIT 1
             ) r
           ), created AS (
             INSERT INTO crm_records (portal_id, object_type, id, email_key, properties, created_at, updated_at)
             SELECT k.portal_id, 'contacts', nextval('crm_record_ids'), k.email_key, k.properties, $4, $4
             FROM k WHERE k.properties IS NOT NULL AND NOT EXISTS (SELECT 1 FROM found f WHERE f.n = k.n)
             ORDER BY k.n
             ON CONFLICT DO NOTHING RETURNING portal_id, email_key, id, properties
           )
           SELECT portal_id, email_key, id, properties FROM found
           UNION ALL SELECT portal_id, email_key, id, properties FROM created`,
  },
};

/** An email's map key: the portal, then the normalised email. */
const emailMapKey = (portalId: number, email: string): string => `${portalId}\u0000${email}`;

interface EmailEntry {
  portalId: number;
  key: string;
  /** The properties of the contact to create, when the batch creates it. */
  create?: Record<string, string>;
}

/** Whether the event may give a contact a new email (so emails looked up before may move). */
export function changesEmail(write: EventWrite): boolean {
  const { record: ref } = write;
  if (write.stamps.email !== undefined) return true;
  if (ref.by === 'utk') return ref.email !== undefined;
  return ref.by === 'objectId' && ref.email !== undefined && write.event.objectType === 'contacts';
}

export class KnownRecords {
  private readonly ids = new Set<string>();
  private readonly emails = new Map<string, number>();
  /**
   * The properties of the records above as this transaction last saw them (JSON text until first
   * compared), so an event whose stamps change nothing needs no lock and no query: it would write
   * nothing, as in SQLite. Kept current as the batch's own events change them.
   */
  private readonly properties = new Map<string, string | Record<string, string>>();
  /** Cleared once an event of the batch changes a contact's email: the emails known may be stale. */
  private emailsValid = true;

  /**
   * Looks up the records the batch's events name and creates its new contacts by email. `fresh`
   * marks the writes that will be written (not already stored, not a repeat within the batch).
   */
  static async load(sql: Sql, writes: EventWrite[], fresh: boolean[], now: number): Promise<KnownRecords> {
    const known = new KnownRecords();
    const byId = writes.flatMap((w) =>
      w.record.by === 'objectId' && CANONICAL_ID.test(w.record.objectId)
        ? [[w.portalId, w.event.objectType, Number(w.record.objectId)] as const]
        : [],
    );
    if (byId.length > 0) {
      const rows = await run<RecordRow>(sql, S.byIds, [
        byId.map((k) => k[0]),
        byId.map((k) => k[1]),
        byId.map((k) => k[2]),
      ]);
      for (const row of rows) {
        const k = recordKey(row.portal_id, row.object_type, row.id);
        known.ids.add(k);
        known.properties.set(k, row.properties);
      }
    }
    // Distinct emails, each with the spelling of the event that would create its contact (the first
    // one written) and that event's stamps, which a new contact is created with.
    const emails = new Map<string, EmailEntry>();
    const createContacts = !writes.some(changesEmail);
    writes.forEach((w, i) => {
      if (w.record.by !== 'email') return;
      const key = emailKey(w.record.email);
      if (key === '') return;
      const k = emailMapKey(w.portalId, key);
      const entry = emails.get(k) ?? { portalId: w.portalId, key };
      if (createContacts && fresh[i] === true && entry.create === undefined) {
        entry.create = { ...w.stamps, email: w.record.email };
      }
      emails.set(k, entry);
    });
    if (emails.size === 0) return known;
    // One order for every batch (portal, then email key): the contacts a batch creates are inserted
    // in that order, so two batches creating the same new emails wait for each other, no deadlock.
    const all = [...emails.values()].sort(
      (a, b) => a.portalId - b.portalId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    if (!all.some((e) => e.create !== undefined)) {
      await known.findEmails(sql, all);
      return known;
    }
    const rows = await run<RecordRow>(sql, S.findOrCreateContacts, [
      bigintArray(all.map((e) => e.portalId)),
      textArray(all.map((e) => e.key)),
      textArray(all.map((e) => (e.create === undefined ? null : JSON.stringify(e.create)))),
      now,
    ]);
    for (const row of rows) known.addContact(row);
    // Neither found nor inserted: created by a transaction that committed after the statement's
    // snapshot (the insert waited for it), or a generated id that met an explicit one (the event
    // then creates its contact itself). A second look finds the former.
    const missing = all.filter(
      (e) => e.create !== undefined && !known.emails.has(emailMapKey(e.portalId, e.key)),
    );
    if (missing.length > 0) await known.findEmails(sql, missing);
    return known;
  }

  private async findEmails(sql: Sql, entries: { portalId: number; key: string }[]): Promise<void> {
    const rows = await run<RecordRow>(sql, S.byEmails, [
      bigintArray(entries.map((e) => e.portalId)),
      textArray(entries.map((e) => e.key)),
    ]);
    for (const row of rows) this.addContact(row);
  }

  private addContact(row: RecordRow): void {
    this.emails.set(emailMapKey(row.portal_id, row.email_key ?? ''), row.id);
    this.properties.set(recordKey(row.portal_id, 'contacts', row.id), row.properties);
  }

  /**
   * Whether the record holds every stamp already, as last seen. Read without a lock: a concurrent
   * change after that read orders this event before it, as if the event had committed first.
   */
  holds(portalId: number, objectType: string, id: number, stamps: Record<string, string>): boolean {
    const k = recordKey(portalId, objectType, id);
    let current = this.properties.get(k);
    if (current === undefined) return false;
    if (typeof current === 'string') {
      current = JSON.parse(current) as Record<string, string>;
      this.properties.set(k, current);
    }
    for (const name in stamps) if (current[name] !== stamps[name]) return false;
    return true;
  }

  /** An event of the batch resolved to this row (possibly changing it): later events compare with it. */
  resolved(row: RecordRow): void {
    this.properties.set(recordKey(row.portal_id, row.object_type, row.id), row.properties);
  }

  hasId(portalId: number, objectType: string, id: number): boolean {
    return this.ids.has(recordKey(portalId, objectType, id));
  }

  contactId(portalId: number, email: string): number | undefined {
    return this.emailsValid ? this.emails.get(emailMapKey(portalId, emailKey(email))) : undefined;
  }

  emailChanged(): void {
    this.emailsValid = false;
  }
}
