/**
 * Record timelines on PostgreSQL: a record's events newest first, and a portal's records by latest
 * activity. PostgreSQL keeps the per-record index on the insert path (`timeline_events_by_record`,
 * migration 1), so a read is one indexed query; the records list reads the per-record activity and
 * search keys the event writer keeps in the events' transaction (postgres-record-activity.ts).
 */

import { type RecordSearchRanges, recordSearchRanges, SEARCH_SEEK_MAX } from '../../domain/record-search.js';
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
};

interface ActivityRow extends RecordRow {
  event_count: number;
  last_event_at: number;
}

/** No cursor: before every position (last event times and ids are below 2^63). */
const BEFORE_ALL = '9223372036854775807';

/** SQL with positional parameters, numbered as they are added. */
class Query {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The search's ranges (recordSearchRanges) over the search keys' indexes ("C": bytewise) and the
 * activity's primary key, as SQL adding its parameters to the statement it is written into:
 * `candidates` selects the matching ids (some twice), `test` checks one row of
 * `timeline_record_search` s and `timeline_record_activity` a.
 */
function searchSql(ranges: RecordSearchRanges) {
  const textRange = (query: Query, column: string) => {
    const { from, below } = ranges.text;
    return `${column} >= ${query.param(from)}${below === undefined ? '' : ` AND ${column} < ${query.param(below)}`}`;
  };
  const columns = ['email', 'email_domain', 'domain'];
  return {
    candidates(query: Query, portal: string, type: string, union: string): string {
      const selects = columns.map(
        (column) =>
          `SELECT object_id FROM timeline_record_search
           WHERE portal_id = ${portal} AND object_type = ${type} AND ${textRange(query, column)}`,
      );
      if (ranges.ids.length > 0) {
        // The id ranges as two arrays: one statement (and one plan) whatever their number.
        const lows = query.param(ranges.ids.map(([low]) => low));
        const highs = query.param(ranges.ids.map(([, high]) => high));
        selects.push(
          `SELECT x.object_id FROM unnest(${lows}::bigint[], ${highs}::bigint[]) AS i(low, high)
           CROSS JOIN LATERAL (SELECT object_id FROM timeline_record_activity
             WHERE portal_id = ${portal} AND object_type = ${type} AND object_id BETWEEN i.low AND i.high) x`,
        );
      }
      return selects.join(` ${union} `);
    },
    test(query: Query): string {
      const tests = columns.map((column) => `(s.${textRange(query, column)})`);
      // Row by row, the id's decimal form against the prefix (q is digits) is the cheaper test.
      if (ranges.ids.length > 0) tests.push(`a.object_id::text LIKE ${query.param(`${ranges.text.from}%`)}`);
      return tests.join(' OR ');
    },
  };
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

  /**
   * The records by latest activity, from the activity the event writer keeps. A search seeks its
   * matches through their keys when at most SEARCH_SEEK_MAX match (then sorts them), and otherwise
   * walks the records by activity keeping the matches (the page fills after a bounded walk).
   */
  async listActivity(sql: Sql, query: ActivityQuery): Promise<ActivityPage> {
    const search = query.q === undefined ? undefined : searchSql(recordSearchRanges(query.q));
    let seek = false;
    if (search) {
      // Unnamed statements: planned for the values given (a range's width decides the plan).
      const count = new Query();
      const candidates = search.candidates(
        count,
        count.param(query.portalId),
        count.param(query.objectType),
        'UNION ALL',
      );
      const counted = await sql.query<{ n: string }>({
        text: `SELECT count(*) AS n FROM (SELECT 1 FROM (${candidates}) c LIMIT ${SEARCH_SEEK_MAX + 1}) m`,
        values: count.values,
      });
      seek = Number(counted.rows[0]?.n) <= SEARCH_SEEK_MAX;
    }
    const q = new Query();
    const portal = q.param(query.portalId);
    const type = q.param(query.objectType);
    const columns = `r.portal_id, r.object_type, r.id, r.email_key, r.properties, r.created_at, r.updated_at,
      a.event_count, a.last_event_at`;
    // Each joined row is one primary-key lookup, made so by LATERAL ... LIMIT 1: on tables just
    // filled (no statistics yet) the planner otherwise joined every record of the portal per row
    // (measured: 1 s for a first page at 100,000 records).
    const lookup = (table: string, id: string, alias: string) =>
      `CROSS JOIN LATERAL (SELECT * FROM ${table} WHERE portal_id = a.portal_id AND object_type = a.object_type AND ${id} = a.object_id LIMIT 1) ${alias}`;
    const records = lookup('crm_records', 'id', 'r');
    const where = `a.portal_id = ${portal} AND a.object_type = ${type}
      AND (a.last_event_at, a.object_id) < (${q.param(query.after?.lastEventAt ?? BEFORE_ALL)}::bigint, ${q.param(query.after ? Number(query.after.objectId) : BEFORE_ALL)}::bigint)`;
    const order = `ORDER BY a.last_event_at DESC, a.object_id DESC LIMIT ${q.param(query.limit + 1)}`;
    let text: string;
    if (search && seek) {
      text = `SELECT ${columns} FROM (${search.candidates(q, portal, type, 'UNION')}) c
        CROSS JOIN LATERAL (SELECT * FROM timeline_record_activity
          WHERE portal_id = ${portal} AND object_type = ${type} AND object_id = c.object_id LIMIT 1) a
        ${records} WHERE ${where} ${order}`;
    } else if (search) {
      // The search keys are joined and tested before the record is.
      text = `SELECT ${columns} FROM timeline_record_activity a
        LEFT JOIN LATERAL (SELECT * FROM timeline_record_search WHERE portal_id = a.portal_id
          AND object_type = a.object_type AND object_id = a.object_id LIMIT 1) s ON true
        ${records} WHERE ${where} AND (${search.test(q)}) ${order}`;
    } else {
      text = `SELECT ${columns} FROM timeline_record_activity a ${records} WHERE ${where} ${order}`;
    }
    const rows = (await sql.query<ActivityRow>({ text, values: q.values })).rows;
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
