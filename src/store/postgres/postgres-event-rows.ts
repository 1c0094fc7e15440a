/**
 * Timeline event rows: the statements that read and insert them a batch at a time, and the mapping
 * between a row and a `TimelineEvent` (in ../rows.ts).
 *
 * The batch lookups join `unnest($keys)` LATERALly to the table on its whole primary key, with a
 * `LIMIT 1` so the planner cannot flatten the join: the flattened form (like `event_id = ANY($ids)`),
 * planned while the table was small, scans every event of the template (measured: a batch of 100
 * got 40 times slower at 200k rows; see bench/pg-insert-strategies.ts).
 */

import type { EventWrite } from '../../domain/store.js';
import { type EventRow, eventBody, eventFromRow } from '../rows.js';
import { run, type Sql } from './postgres-pool.js';

const COLUMNS = 'portal_id, template_id, event_id, object_type, object_id, ts, created_at, fingerprint, body';

const S = {
  find: {
    name: 'tl_find',
    text: `SELECT ${COLUMNS} FROM timeline_events WHERE portal_id = $1 AND template_id = $2 AND event_id = $3`,
  },
  findMany: {
    name: 'tl_find_many',
    text: `SELECT e.* FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS k(portal_id, template_id, event_id)
           CROSS JOIN LATERAL (
             SELECT ${COLUMNS} FROM timeline_events
             WHERE portal_id = k.portal_id AND template_id = k.template_id AND event_id = k.event_id LIMIT 1
           ) e`,
  },
  // One statement for the whole batch (measured several times faster than one insert per event).
  insertMany: {
    name: 'tl_insert_many',
    text: `INSERT INTO timeline_events (${COLUMNS})
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[],
                                $6::bigint[], $7::bigint[], $8::text[], $9::text[])
           ON CONFLICT DO NOTHING`,
  },
};

/** A key naming one event: its portal, template and id. */
export function eventKey(portalId: number, templateId: number, eventId: string): string {
  return JSON.stringify([portalId, templateId, eventId]);
}

export async function findEvent(sql: Sql, portalId: number, templateId: number, eventId: string) {
  const [row] = await run<EventRow>(sql, S.find, [portalId, templateId, eventId]);
  return row && eventFromRow(row);
}

/** The stored events among those the writes name, by `eventKey`. */
export async function findEvents(sql: Sql, writes: EventWrite[]): Promise<Map<string, EventRow>> {
  const rows = await run<EventRow>(sql, S.findMany, [
    writes.map((w) => w.portalId),
    writes.map((w) => Number(w.event.eventTemplateId)),
    writes.map((w) => w.event.id),
  ]);
  return new Map(rows.map((row) => [eventKey(row.portal_id, row.template_id, row.event_id), row]));
}

/** Inserts the events; answers how many were inserted (fewer when a concurrent writer took an id). */
export async function insertEvents(
  sql: Sql,
  events: { write: EventWrite; objectId: number }[],
): Promise<number> {
  const column = <T>(pick: (item: { write: EventWrite; objectId: number }) => T): T[] => events.map(pick);
  const result = await sql.query({
    ...S.insertMany,
    values: [
      column((e) => e.write.portalId),
      column((e) => Number(e.write.event.eventTemplateId)),
      column((e) => e.write.event.id),
      column((e) => e.write.event.objectType),
      column((e) => e.objectId),
      column((e) => e.write.event.timestamp),
      column((e) => e.write.event.createdAt),
      column((e) => e.write.fingerprint),
      column((e) => JSON.stringify(eventBody(e.write.event))),
    ],
  });
  return result.rowCount ?? 0;
}
