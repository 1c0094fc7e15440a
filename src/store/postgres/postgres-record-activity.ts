/**
 * Per-record activity on PostgreSQL, kept in the transaction that inserts the events: each record's
 * event count and last event time (`timeline_record_activity`) and its search keys
 * (`timeline_record_search`, from its properties as they stand after the batch's stamps), so the
 * records list and its search read a few indexed rows, and a read right after a write sees it.
 *
 * One statement per table per batch, over the batch's records in key order: concurrent batches
 * lock shared records' rows in the same order (no deadlock between them), the activity rows before
 * the search rows. A search row is written only when a key changed.
 */
import type { Sql } from './postgres-pool.js';

/**
 * A record's search keys from its properties, the rule of matchesRecordSearch (domain/store.ts)
 * with PostgreSQL's lower() and btrim() (as the search compared them before it had keys).
 */
const KEYS = `CROSS JOIN LATERAL (
      SELECT nullif(lower(btrim(r.properties::json->>'email')), '') AS email,
             nullif(lower(btrim(r.properties::json->>'domain')), '') AS domain
    ) k`;
const EMAIL_DOMAIN = `nullif(substr(k.email, strpos(k.email, '@') + 1), '')`;

const S = {
  activity: {
    name: 'tl_activity_add',
    text: `INSERT INTO timeline_record_activity AS a (portal_id, object_type, object_id, event_count, last_event_at)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
           ON CONFLICT (portal_id, object_type, object_id) DO UPDATE SET
             event_count = a.event_count + excluded.event_count,
             last_event_at = greatest(a.last_event_at, excluded.last_event_at)`,
  },
  search: {
    name: 'tl_search_keys',
    text: `INSERT INTO timeline_record_search AS s (portal_id, object_type, object_id, email, email_domain, domain)
           SELECT r.portal_id, r.object_type, r.id, k.email, ${EMAIL_DOMAIN}, k.domain
           FROM unnest($1::bigint[], $2::text[], $3::bigint[]) WITH ORDINALITY AS u(portal_id, object_type, object_id, n)
           JOIN crm_records r ON r.portal_id = u.portal_id AND r.object_type = u.object_type AND r.id = u.object_id
           ${KEYS}
           ORDER BY u.n
           ON CONFLICT (portal_id, object_type, object_id) DO UPDATE SET
             email = excluded.email, email_domain = excluded.email_domain, domain = excluded.domain
           WHERE (s.email, s.email_domain, s.domain)
             IS DISTINCT FROM (excluded.email, excluded.email_domain, excluded.domain)`,
  },
  refresh: {
    name: 'tl_search_keys_refresh',
    text: `UPDATE timeline_record_search s SET email = k.email, email_domain = ${EMAIL_DOMAIN}, domain = k.domain
           FROM crm_records r ${KEYS}
           WHERE s.portal_id = $1 AND s.object_type = $2 AND s.object_id = $3
             AND r.portal_id = s.portal_id AND r.object_type = s.object_type AND r.id = s.object_id`,
  },
};

export interface InsertedEvent {
  portalId: number;
  objectType: string;
  objectId: number;
  timestamp: number;
}

/** Counts the batch's inserted events onto their records, and refreshes those records' keys. */
export async function addActivity(sql: Sql, events: InsertedEvent[]): Promise<void> {
  const byRecord = new Map<
    string,
    { portalId: number; objectType: string; objectId: number; count: number; last: number }
  >();
  for (const e of events) {
    const key = `${e.portalId}/${e.objectType}/${e.objectId}`;
    const entry = byRecord.get(key);
    if (entry) {
      entry.count += 1;
      if (e.timestamp > entry.last) entry.last = e.timestamp;
    } else
      byRecord.set(key, {
        portalId: e.portalId,
        objectType: e.objectType,
        objectId: e.objectId,
        count: 1,
        last: e.timestamp,
      });
  }
  // One order for every batch, so two batches lock the records they share in the same order.
  const records = [...byRecord.values()].sort(
    (a, b) =>
      a.portalId - b.portalId ||
      (a.objectType < b.objectType ? -1 : a.objectType > b.objectType ? 1 : 0) ||
      a.objectId - b.objectId,
  );
  const portals = records.map((r) => r.portalId);
  const types = records.map((r) => r.objectType);
  const ids = records.map((r) => r.objectId);
  await sql.query({
    ...S.activity,
    values: [portals, types, ids, records.map((r) => r.count), records.map((r) => r.last)],
  });
  await sql.query({ ...S.search, values: [portals, types, ids] });
}

/** After a CRM update: the record's search keys follow its properties (if it has events). */
export async function refreshSearchKeys(
  sql: Sql,
  portalId: number,
  objectType: string,
  objectId: number,
): Promise<void> {
  await sql.query({ ...S.refresh, values: [portalId, objectType, objectId] });
}
