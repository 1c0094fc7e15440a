/**
 * Record timelines on PostgreSQL: a record's events newest first, and a portal's records by latest
 * activity. PostgreSQL keeps the per-record index on the insert path (`timeline_events_by_record`,
 * migration 1), so a read is one indexed query; the records list aggregates a portal's events per
 * record at read time (no counter row to lock on every insert: concurrent writers to one record
 * would queue on it).
 */
import type { ActivityPage, ActivityQuery, TimelinePage, TimelineQuery } from '../../domain/store.js';
import { CANONICAL_ID } from '../../domain/store.js';
import { type EventRow, eventFromRow, type RecordRow, recordFromRow } from '../rows.js';
import { run, type Sql } from './postgres-pool.js';

const EVENT_COLUMNS =
  'portal_id, template_id, event_id, object_type, object_id, ts, created_at, fingerprint, body';

const S = {
  // Optional filters are NULL when absent, so one named statement serves every combination. Event
  // ids compare as bytes (COLLATE "C"), as SQLite's do, whatever the database's collation.
  page: {
    name: 'tl_record_page',
    text: `SELECT ${EVENT_COLUMNS} FROM timeline_events
           WHERE portal_id = $1 AND object_type = $2 AND object_id = $3
             AND ($4::bigint IS NULL OR template_id = $4::bigint)
             AND ($5::bigint IS NULL OR ts >= $5::bigint)
             AND ($6::bigint IS NULL OR ts <= $6::bigint)
             AND ($7::bigint IS NULL
                  OR (ts, event_id COLLATE "C", template_id) < ($7::bigint, $8::text COLLATE "C", $9::bigint))
           ORDER BY ts DESC, event_id COLLATE "C" DESC, template_id DESC
           LIMIT $10`,
  },
  // The search rule of matchesRecordSearch (domain/store.ts) in SQL: $5 is the lower-cased prefix,
  // LIKE-escaped, followed by %.
  activity: {
    name: 'tl_record_activity',
    text: `WITH activity AS (
             SELECT object_id, count(*)::bigint AS event_count, max(ts) AS last_event_at
             FROM timeline_events WHERE portal_id = $1 AND object_type = $2 GROUP BY object_id
           ), searched AS (
             SELECT r.*, lower(btrim(r.properties::json->>'email')) AS email_lower,
                    lower(btrim(r.properties::json->>'domain')) AS domain_lower
             FROM crm_records r WHERE r.portal_id = $1 AND r.object_type = $2
           )
           SELECT r.portal_id, r.object_type, r.id, r.email_key, r.properties, r.created_at, r.updated_at,
                  a.event_count, a.last_event_at
           FROM activity a JOIN searched r ON r.id = a.object_id
           WHERE ($3::bigint IS NULL OR (a.last_event_at, a.object_id) < ($3::bigint, $4::bigint))
             AND ($5::text IS NULL
                  OR r.id::text LIKE $5 OR r.email_lower LIKE $5
                  OR substr(r.email_lower, strpos(r.email_lower, '@') + 1) LIKE $5
                  OR r.domain_lower LIKE $5)
           ORDER BY a.last_event_at DESC, a.object_id DESC
           LIMIT $6`,
  },
};

interface ActivityRow extends RecordRow {
  event_count: number;
  last_event_at: number;
}

function likePrefix(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class PostgresTimeline {
  async read(sql: Sql, query: TimelineQuery): Promise<TimelinePage> {
    if (!CANONICAL_ID.test(query.objectId)) return { events: [] };
    if (query.eventTemplateId !== undefined && !CANONICAL_ID.test(query.eventTemplateId))
      return { events: [] };
    const after = query.after;
    const rows = await run<EventRow>(sql, S.page, [
      query.portalId,
      query.objectType,
      Number(query.objectId),
      query.eventTemplateId === undefined ? null : Number(query.eventTemplateId),
      query.since ?? null,
      query.until ?? null,
      after ? after.timestamp : null,
      after ? after.id : null,
      after ? Number(after.eventTemplateId) : null,
      query.limit + 1,
    ]);
    const page: TimelinePage = { events: rows.slice(0, query.limit).map(eventFromRow) };
    const last = rows[query.limit - 1];
    if (rows.length > query.limit && last) {
      page.next = { timestamp: last.ts, id: last.event_id, eventTemplateId: String(last.template_id) };
    }
    return page;
  }

  async listActivity(sql: Sql, query: ActivityQuery): Promise<ActivityPage> {
    const after = query.after;
    const rows = await run<ActivityRow>(sql, S.activity, [
      query.portalId,
      query.objectType,
      after ? after.lastEventAt : null,
      after ? Number(after.objectId) : null,
      query.q === undefined ? null : likePrefix(query.q),
      query.limit + 1,
    ]);
    const page: ActivityPage = {
      records: rows.slice(0, query.limit).map((row) => ({
        record: recordFromRow(row),
        eventCount: Number(row.event_count),
        lastEventAt: Number(row.last_event_at),
      })),
    };
    const last = page.records[query.limit - 1];
    if (rows.length > query.limit && last)
      page.next = { lastEventAt: last.lastEventAt, objectId: last.record.id };
    return page;
  }
}
