/**
 * The rows a batch adds, written in one statement (one round trip instead of three): the
 * event rows, each record's event count and last event time (`timeline_record_activity`), and the
 * search keys (`timeline_record_search`) of the records that need them, so the records list and its
 * search read a few indexed rows, and a read right after a write sees it.
 *
 * Search keys come from a record's email and domain properties, so they are computed only for a
 * record the batch may have changed or one getting its first events (the row written only when a
 * key differs). The first events are known from the activity upsert itself: its RETURNING sees
 * `xmax = 0` on a row it inserted (an updated row carries the upsert's row lock there). That took
 * the place of a probe of `timeline_record_search` for each of the batch's records (about 5 us of
 * backend CPU each). A record has events before it has a search row only when it had no CRM row at
 * its first events; it gets one later only through the resolver (`ensureById`), which marks it
 * changed. A record whose events only point at it and that has its row is not touched: before,
 * every batch locked each of its records' search rows (PostgreSQL locks the row `ON CONFLICT DO
 * UPDATE` meets even when its WHERE then skips it: a heap write and a WAL record) and recomputed
 * their keys. Both kinds go through one INSERT, so the batch's search rows are taken in one key
 * order (two statements, one for each kind, would let two batches take two rows in opposite orders).
 *
 * The events go in with a plain INSERT: the ids already stored were left out by the writer, so an
 * id taken meanwhile by a concurrent writer is a unique violation (23505), on which the writer runs
 * the batch again. `ON CONFLICT DO NOTHING` would answer the same, but it probes the primary key
 * once more for every row before inserting it (under perf, such probes of all the batch's
 * `ON CONFLICT` statements were 19% of the backends' samples).
 *
 * Locks: the activity rows and the search rows are taken in key order (the arrays
 * come sorted, and `ORDER BY u.n` keeps that order through the joins), so concurrent batches on
 * shared records wait for each other instead of deadlocking. The CTEs that nothing reads run to
 * completion one after the other in an order fixed by the statement's text, the same for every
 * batch, whatever each one's plan. The search CTE reads the activity CTE's rows, so the two may
 * interleave (the sort before the search insert reads them all first, but the plan is the
 * planner's): still no deadlock, because a batch writes a record's search row only after taking its
 * activity row, which it holds to the commit, so no two batches ever wait for each other on a search row.
 */
import type { EventWrite } from '../../domain/store.js';
import { eventBody } from '../rows.js';
import { bigintArray, booleanArray, textArray } from './postgres-arrays.js';
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
const SEARCH_COLUMNS = 'portal_id, object_type, object_id, email, email_domain, domain';
/** The batch's records, in key order, with whether the batch may have changed each one. */
const RECORDS = `unnest($10::bigint[], $11::text[], $12::bigint[], $15::boolean[])
                 WITH ORDINALITY AS u(portal_id, object_type, object_id, changed, n)`;
/**
 * Each record by its whole primary key, LATERALly with `LIMIT 1` so the planner cannot flatten the
 * join into a scan of every record (see postgres-event-rows.ts).
 */
const RECORD = `CROSS JOIN LATERAL (
      SELECT portal_id, object_type, id, properties FROM crm_records
      WHERE portal_id = u.portal_id AND object_type = u.object_type AND id = u.object_id LIMIT 1
    ) r`;

const S = {
  write: {
    name: 'tl_batch_rows',
    text: `WITH events AS (
             INSERT INTO timeline_events
               (portal_id, template_id, event_id, object_type, object_id, ts, created_at, fingerprint, body)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[],
                                  $6::bigint[], $7::bigint[], $8::text[], $9::text[])
             RETURNING 1
           ), activity AS (
             INSERT INTO timeline_record_activity AS a
               (portal_id, object_type, object_id, event_count, last_event_at)
             SELECT * FROM unnest($10::bigint[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[])
             ON CONFLICT (portal_id, object_type, object_id) DO UPDATE SET
               event_count = a.event_count + excluded.event_count,
               last_event_at = greatest(a.last_event_at, excluded.last_event_at)
             -- xmax 0: the row was inserted, not updated (the record's first events).
             RETURNING a.portal_id, a.object_type, a.object_id, a.xmax = '0'::xid AS first
           ), search_keys AS (
             INSERT INTO timeline_record_search AS s (${SEARCH_COLUMNS})
             SELECT r.portal_id, r.object_type, r.id, k.email, ${EMAIL_DOMAIN}, k.domain
             FROM (
               -- OFFSET 0: the records that need keys are picked before any record is read.
               SELECT u.* FROM ${RECORDS}
               JOIN activity f
                 ON f.portal_id = u.portal_id AND f.object_type = u.object_type AND f.object_id = u.object_id
               WHERE u.changed OR f.first
               OFFSET 0
             ) u ${RECORD} ${KEYS}
             ORDER BY u.n
             ON CONFLICT (portal_id, object_type, object_id) DO UPDATE SET
               email = excluded.email, email_domain = excluded.email_domain, domain = excluded.domain
             WHERE (s.email, s.email_domain, s.domain)
               IS DISTINCT FROM (excluded.email, excluded.email_domain, excluded.domain)
           )
           SELECT count(*)::int AS inserted FROM events`,
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
  write: EventWrite;
  objectId: number;
}

/** A record's map key, for the writer's and KnownRecords' sets (a NUL cannot be in a portal id or an object type). */
export function recordKey(portalId: number, objectType: string, objectId: number): string {
  return `${portalId}\u0000${objectType}\u0000${objectId}`;
}

/**
 * Inserts the batch's events, counts them onto their records and writes the search keys the
 * records need (`changed`: the `recordKey`s of the records the batch may have changed). Answers
 * how many events were inserted (all of them, or the statement fails).
 */
export async function writeBatchRows(
  sql: Sql,
  events: InsertedEvent[],
  changed: Set<string>,
): Promise<number> {
  const byRecord = new Map<
    string,
    { portalId: number; objectType: string; objectId: number; count: number; last: number }
  >();
  for (const { write, objectId } of events) {
    const { portalId } = write;
    const { objectType, timestamp } = write.event;
    const key = recordKey(portalId, objectType, objectId);
    const entry = byRecord.get(key);
    if (entry) {
      entry.count += 1;
      if (timestamp > entry.last) entry.last = timestamp;
    } else byRecord.set(key, { portalId, objectType, objectId, count: 1, last: timestamp });
  }
  // One order for every batch, so two batches lock the records they share in the same order.
  const records = [...byRecord.values()].sort(
    (a, b) =>
      a.portalId - b.portalId ||
      (a.objectType < b.objectType ? -1 : a.objectType > b.objectType ? 1 : 0) ||
      a.objectId - b.objectId,
  );
  // Binary arrays (postgres-arrays.ts): the bodies are JSON, which pg's array literals would escape.
  const numbers = (pick: (item: InsertedEvent) => number) => bigintArray(events.map(pick));
  const texts = (pick: (item: InsertedEvent) => string) => textArray(events.map(pick));
  const result = await sql.query<{ inserted: number }>({
    ...S.write,
    values: [
      numbers((e) => e.write.portalId),
      numbers((e) => Number(e.write.event.eventTemplateId)),
      texts((e) => e.write.event.id),
      texts((e) => e.write.event.objectType),
      numbers((e) => e.objectId),
      numbers((e) => e.write.event.timestamp),
      numbers((e) => e.write.event.createdAt),
      texts((e) => e.write.fingerprint),
      texts((e) => JSON.stringify(eventBody(e.write.event))),
      bigintArray(records.map((r) => r.portalId)),
      textArray(records.map((r) => r.objectType)),
      bigintArray(records.map((r) => r.objectId)),
      bigintArray(records.map((r) => r.count)),
      bigintArray(records.map((r) => r.last)),
      booleanArray(records.map((r) => changed.has(recordKey(r.portalId, r.objectType, r.objectId)))),
    ],
  });
  return result.rows[0]?.inserted ?? 0;
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
