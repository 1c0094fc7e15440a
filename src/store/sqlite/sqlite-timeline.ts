/**
 * Record timelines on SQLite: a record's events newest first, and a portal's records by latest
 * activity. Each read merges the per-record index (`timeline_record_index`, filled in sorted
 * batches by `SqliteTimelineIndexer`) with the unindexed tail of the log (`TimelineTail`), first
 * bringing the tail up to date with the log, so every acknowledged event is seen (read-your-writes)
 * while the insert path maintains no per-record index at all.
 */

import type Database from 'better-sqlite3';
import {
  type RecordSearchRanges,
  recordSearchKeys,
  recordSearchRanges,
  SEARCH_SEEK_MAX,
} from '../../domain/record-search.js';
import {
  type ActivityPage,
  type ActivityQuery,
  CANONICAL_ID,
  matchesRecordSearch,
  type RecordActivity,
  type TimelinePage,
  type TimelinePosition,
  type TimelineQuery,
} from '../../domain/store.js';
import type { CrmRecord } from '../../domain/types.js';
import { type EventRow, eventFromRow, type RecordRow, recordFromRow } from '../rows.js';
import { UPDATE_SEARCH_KEYS } from './sqlite-records.js';
import { type IndexedChunk, SqliteTimelineIndexer } from './sqlite-timeline-indexer.js';
import { newestRowids, type TailRecord, type TailRow, TimelineTail } from './sqlite-timeline-tail.js';

interface ActivityRow extends RecordRow {
  event_count: number;
  last_event_at: number;
}

/** SQLite compares TEXT as UTF-8 bytes (BINARY); the merge in JS must order ties the same way. */
function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Newest first: timestamp, then event id, then template id, all descending. */
function newestFirst(a: EventRow, b: EventRow): number {
  return b.ts - a.ts || compareBytes(b.event_id, a.event_id) || b.template_id - a.template_id;
}

/** Whether `row` comes after `position` in newest-first order. */
function isAfter(row: EventRow, position: TimelinePosition): boolean {
  const at: EventRow = { ...row, ts: position.timestamp, event_id: position.id };
  at.template_id = Number(position.eventTemplateId);
  return newestFirst(at, row) < 0;
}

interface SearchSql {
  /** The ids of the matching records (some twice), each range one seek, joined by `union`. */
  candidates(union: 'UNION' | 'UNION ALL'): string;
  values: unknown[];
  /** The same test on one row of `timeline_record_search` `s` and `timeline_record_activity` `a`. */
  test: string;
  testValues: unknown[];
}

interface SearchPlan {
  search: SearchSql;
  seek: boolean;
}

/** The search's ranges (recordSearchRanges) over the search keys' indexes and the record ids. */
function searchSql(portalId: number, objectType: string, ranges: RecordSearchRanges): SearchSql {
  const { from, below } = ranges.text;
  const textValues = below === undefined ? [from] : [from, below];
  const selects: string[] = [];
  const values: unknown[] = [];
  const tests: string[] = [];
  const testValues: unknown[] = [];
  for (const column of ['email', 'email_domain', 'domain']) {
    const range = `${column} >= ?${below === undefined ? '' : ` AND ${column} < ?`}`;
    selects.push(
      `SELECT object_id FROM timeline_record_search WHERE portal_id = ? AND object_type = ? AND ${range}`,
    );
    values.push(portalId, objectType, ...textValues);
    tests.push(`(s.${range})`);
    testValues.push(...textValues);
  }
  for (const [low, high] of ranges.ids) {
    selects.push(
      'SELECT object_id FROM timeline_record_activity WHERE portal_id = ? AND object_type = ? AND object_id BETWEEN ? AND ?',
    );
    values.push(portalId, objectType, low, high);
    tests.push('a.object_id BETWEEN ? AND ?');
    testValues.push(low, high);
  }
  return {
    candidates: (union) => selects.join(` ${union} `),
    values,
    test: tests.join(' OR '),
    testValues,
  };
}

/** The records page's statement, but for its LIMIT value (pushed by the caller). */
function activitySql(query: ActivityQuery, plan: SearchPlan | undefined): { sql: string; values: unknown[] } {
  const columns = 'r.*, a.event_count, a.last_event_at';
  const records = 'r.portal_id = a.portal_id AND r.object_type = a.object_type AND r.id = a.object_id';
  let sql: string;
  const values: unknown[] = [];
  if (plan?.seek) {
    // CROSS JOIN keeps the matches as the outer loop: each is one seek into activity and records.
    sql = `SELECT ${columns} FROM (${plan.search.candidates('UNION')}) c
      CROSS JOIN timeline_record_activity a CROSS JOIN crm_records r
      WHERE a.portal_id = ? AND a.object_type = ? AND a.object_id = c.object_id AND ${records}`;
    values.push(...plan.search.values, query.portalId, query.objectType);
  } else {
    // The search keys are joined before the record, so the search's test runs before the record's
    // row (with its properties) is read: a walk reads the record only of the rows it keeps.
    sql = `SELECT ${columns} FROM timeline_record_activity a${
      plan
        ? ` LEFT JOIN timeline_record_search s
        ON s.portal_id = a.portal_id AND s.object_type = a.object_type AND s.object_id = a.object_id`
        : ''
    }
      CROSS JOIN crm_records r
      WHERE a.portal_id = ? AND a.object_type = ? AND ${records}`;
    values.push(query.portalId, query.objectType);
    if (plan) {
      sql += ` AND (${plan.search.test})`;
      values.push(...plan.search.testValues);
    }
  }
  if (query.after !== undefined) {
    sql += ' AND (a.last_event_at, a.object_id) < (?, ?)';
    values.push(query.after.lastEventAt, Number(query.after.objectId));
  }
  sql += ' ORDER BY a.last_event_at DESC, a.object_id DESC LIMIT ?';
  return { sql, values };
}

function mostRecentFirst(a: RecordActivity, b: RecordActivity): number {
  return b.lastEventAt - a.lastEventAt || Number(b.record.id) - Number(a.record.id);
}

export class SqliteTimeline {
  private readonly tail = new TimelineTail();
  private readonly indexer: SqliteTimelineIndexer;
  private readonly statements;
  private readonly pageStatements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.indexer = new SqliteTimelineIndexer(db);
    this.statements = {
      tailRows: db.prepare(
        'SELECT rowid, portal_id, object_type, object_id, ts FROM timeline_events WHERE rowid > ? ORDER BY rowid',
      ),
      byRowid: db.prepare('SELECT * FROM timeline_events WHERE rowid = ?'),
      record: db.prepare('SELECT * FROM crm_records WHERE portal_id = ? AND object_type = ? AND id = ?'),
      updateSearchKeys: db.prepare(UPDATE_SEARCH_KEYS),
      activity: db.prepare(
        'SELECT event_count, last_event_at FROM timeline_record_activity WHERE portal_id = ? AND object_type = ? AND object_id = ?',
      ),
    };
  }

  /** Indexes up to `max` events (see SqliteTimelineIndexer); keeps the tail in step. */
  index(max: number): number {
    const chunk: IndexedChunk = this.indexer.index(max);
    if (chunk.rows.length === 0) return 0;
    if (this.tail.indexedThrough === chunk.from) this.tail.dropIndexed(chunk.rows, chunk.to);
    else this.tail.reset(chunk.to);
    return chunk.rows.length;
  }

  unindexed(): number {
    return this.indexer.unindexed();
  }

  /** Runs `deleteRows` (a reset) with the index caught up before and its watermark moved after. */
  resetWith(deleteRows: () => void): void {
    while (this.indexer.unindexed() > 0) this.index(50_000);
    deleteRows();
    this.indexer.restartAtLogEnd();
    this.tail.reset(this.indexer.watermark());
  }

  /**
   * After a commit: once a read has loaded the tail, it follows the log commit by commit (the
   * rows of one commit), so no read ever loads a long burst's rows at once.
   */
  followLog(): void {
    if (this.tail.indexedThrough >= 0) this.sync();
  }

  /** Brings the tail up to the log: another connection may have indexed, every write has appended. */
  private sync(): void {
    const watermark = this.indexer.watermark();
    if (watermark !== this.tail.indexedThrough) this.tail.reset(watermark);
    if (this.indexer.lastRowid() > this.tail.loadedThrough) {
      for (const row of this.statements.tailRows.iterate(this.tail.loadedThrough) as Iterable<TailRow>)
        this.tail.add(row);
    }
  }

  read(query: TimelineQuery): TimelinePage {
    if (!CANONICAL_ID.test(query.objectId)) return { events: [] };
    if (query.eventTemplateId !== undefined && !CANONICAL_ID.test(query.eventTemplateId))
      return { events: [] };
    this.sync();
    const objectId = Number(query.objectId);
    const { sql, values } = this.pageSql(query, objectId);
    const indexed = this.pageStatement(sql).all(...values) as EventRow[];
    const tail = this.tail.record(query.portalId, query.objectType, objectId);
    const fromTail = tail ? this.tailPage(tail, query) : [];
    const rows = fromTail.length === 0 ? indexed : [...indexed, ...fromTail].sort(newestFirst);
    const page: TimelinePage = { events: rows.slice(0, query.limit).map(eventFromRow) };
    const last = rows[query.limit - 1];
    if (rows.length > query.limit && last) {
      page.next = { timestamp: last.ts, id: last.event_id, eventTemplateId: String(last.template_id) };
    }
    return page;
  }

  /**
   * The newest unindexed events of a record that the page can show: read newest first by their
   * timestamps held in the tail, until `limit + 1` are kept and the next one is older than the
   * last kept (equal timestamps are ordered by id, so all of them are read). A record with
   * thousands of unindexed events costs a read of a page, not of all of them.
   */
  private tailPage(tail: TailRecord, query: TimelineQuery): EventRow[] {
    const { since, until, after } = query;
    const candidates = newestRowids(
      tail,
      (ts) =>
        (since === undefined || ts >= since) &&
        (until === undefined || ts <= until) &&
        (after === undefined || ts <= after.timestamp),
    );
    const kept: EventRow[] = [];
    let cutoff: number | undefined;
    for (const { rowid, ts } of candidates) {
      if (cutoff !== undefined && ts < cutoff) break;
      const row = this.statements.byRowid.get(rowid) as EventRow;
      if (!this.wanted(row, query)) continue;
      kept.push(row);
      if (kept.length === query.limit + 1) cutoff = ts;
    }
    return kept;
  }

  private wanted(row: EventRow, query: TimelineQuery): boolean {
    if (query.eventTemplateId !== undefined && String(row.template_id) !== query.eventTemplateId)
      return false;
    if (query.since !== undefined && row.ts < query.since) return false;
    if (query.until !== undefined && row.ts > query.until) return false;
    return query.after === undefined || isAfter(row, query.after);
  }

  private pageSql(query: TimelineQuery, objectId: number): { sql: string; values: unknown[] } {
    let sql = `SELECT e.* FROM timeline_record_index i JOIN timeline_events e
      ON e.portal_id = i.portal_id AND e.template_id = i.template_id AND e.event_id = i.event_id
      WHERE i.portal_id = ? AND i.object_type = ? AND i.object_id = ?`;
    const values: unknown[] = [query.portalId, query.objectType, objectId];
    if (query.eventTemplateId !== undefined) {
      sql += ' AND i.template_id = ?';
      values.push(Number(query.eventTemplateId));
    }
    if (query.since !== undefined) {
      sql += ' AND i.ts >= ?';
      values.push(query.since);
    }
    if (query.until !== undefined) {
      sql += ' AND i.ts <= ?';
      values.push(query.until);
    }
    if (query.after !== undefined) {
      sql += ' AND (i.ts, i.event_id, i.template_id) < (?, ?, ?)';
      values.push(query.after.timestamp, query.after.id, Number(query.after.eventTemplateId));
    }
    sql += ' ORDER BY i.ts DESC, i.event_id DESC, i.template_id DESC LIMIT ?';
    values.push(query.limit + 1);
    return { sql, values };
  }

  /** One prepared statement per combination of filters (a few hundred at most: the id ranges vary). */
  private pageStatement(sql: string): Database.Statement {
    let statement = this.pageStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.pageStatements.set(sql, statement);
    }
    return statement;
  }

  listActivity(query: ActivityQuery): ActivityPage {
    this.sync();
    const tailRecords = this.tail.records(query.portalId, query.objectType);
    // Records with unindexed events are read from the index and the tail together below; the
    // index's page skips them, so it asks for as many more rows as there are.
    const { sql, values } = activitySql(query, query.q === undefined ? undefined : this.searchPlan(query));
    values.push(query.limit + 1 + tailRecords.size);
    const found: RecordActivity[] = [];
    for (const row of this.pageStatement(sql).all(...values) as ActivityRow[]) {
      if (tailRecords.has(row.id)) continue;
      found.push({ record: recordFromRow(row), eventCount: row.event_count, lastEventAt: row.last_event_at });
    }
    for (const [objectId, tail] of tailRecords) {
      const activity = this.withTail(query, objectId, tail.rowids.length - tail.head, tail.lastEventAt);
      if (activity) found.push(activity);
    }
    found.sort(mostRecentFirst);
    const page: ActivityPage = { records: found.slice(0, query.limit) };
    const last = page.records[query.limit - 1];
    if (found.length > query.limit && last)
      page.next = { lastEventAt: last.lastEventAt, objectId: last.record.id };
    return page;
  }

  /**
   * How to find a search's records: by seeking their keys (few matches: read them all, sort by
   * activity), or by walking the portal's records by activity and keeping the matches (many: the
   * page fills after a few rows). Counting the matches up to SEARCH_SEEK_MAX decides.
   */
  private searchPlan(query: ActivityQuery): SearchPlan {
    const search = searchSql(query.portalId, query.objectType, recordSearchRanges(query.q as string));
    const count = this.pageStatement(
      `SELECT count(*) FROM (SELECT 1 FROM (${search.candidates('UNION ALL')}) LIMIT ${SEARCH_SEEK_MAX + 1})`,
    )
      .pluck()
      .get(...search.values) as number;
    return { search, seek: count <= SEARCH_SEEK_MAX };
  }

  /** After a CRM update: the record's search keys follow its properties (if it has indexed events). */
  recordChanged(portalId: number, record: CrmRecord): void {
    const keys = recordSearchKeys(record.properties);
    this.statements.updateSearchKeys.run(
      keys.email,
      keys.emailDomain,
      keys.domain,
      portalId,
      record.objectType,
      Number(record.id),
    );
  }

  /** A record with unindexed events: its indexed counts plus the tail's, if it passes the query. */
  private withTail(
    query: ActivityQuery,
    objectId: number,
    tailCount: number,
    tailLast: number,
  ): RecordActivity | undefined {
    const row = this.statements.record.get(query.portalId, query.objectType, objectId) as
      | RecordRow
      | undefined;
    if (!row) return undefined;
    const indexed = this.statements.activity.get(query.portalId, query.objectType, objectId) as
      | { event_count: number; last_event_at: number }
      | undefined;
    const activity: RecordActivity = {
      record: recordFromRow(row),
      eventCount: tailCount + (indexed?.event_count ?? 0),
      lastEventAt: Math.max(tailLast, indexed?.last_event_at ?? tailLast),
    };
    if (
      query.q !== undefined &&
      !matchesRecordSearch(query.q, activity.record.id, activity.record.properties)
    )
      return undefined;
    const after = query.after;
    if (
      after &&
      mostRecentFirst(activity, {
        ...activity,
        lastEventAt: after.lastEventAt,
        record: { ...activity.record, id: after.objectId },
      }) <= 0
    )
      return undefined;
    return activity;
  }
}
