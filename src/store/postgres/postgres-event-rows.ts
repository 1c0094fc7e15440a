/**
 * Timeline event rows: the statements that read them a batch at a time, and the mapping between a
 * row and a `TimelineEvent` (in ../rows.ts). A batch's rows are inserted with its records' activity
 * (postgres-record-activity.ts).
 *
 * The batch lookups join `unnest($keys)` LATERALly to the table on its whole primary key, with a
 * `LIMIT 1` so the planner cannot flatten the join: the flattened form (like `event_id = ANY($ids)`),
 * planned while the table was small, scans every event of the template (measured: a batch of 100
 * got 40 times slower at 200k rows; see bench/pg-insert-strategies.ts).
 */

import type { EventWrite } from '../../domain/store.js';
import { type EventRow, eventFromRow } from '../rows.js';
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
};

/** A key naming one event: its portal, template and id. */
export function eventKey(portalId: number, templateId: number, eventId: string): string {
  // Two numbers and the id last: no separator can be mistaken for part of one (cheaper than JSON).
  return `${portalId}\u0000${templateId}\u0000${eventId}`;
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
