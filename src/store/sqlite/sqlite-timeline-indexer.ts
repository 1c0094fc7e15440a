/**
 * Fills the per-record timeline order behind the append-only event log, LSM style: takes the next
 * rows of `timeline_events` past the watermark (rowid order), sorts them by record and time, and
 * appends them to `timeline_record_index` and the per-record counts of `timeline_record_activity`,
 * writes the search keys (`timeline_record_search`, from its current properties) of each record
 * indexed for the first time, and moves the watermark in the same transaction (so a crash loses
 * nothing and counts nothing twice). A record that has keys gets them changed with its properties,
 * in the transaction that changes them (`SqliteRecords`); reads judge records with unindexed events
 * directly. The log a process finds unindexed when it starts may come from a version that left
 * the keys to this indexer: its records' keys are all written again.
 *
 * Why not index on insert: keyed by record, every event's index entry lands on a random page, which
 * cost about a quarter of ingestion (migration 2). Sorted batches touch each page once per batch,
 * and the SQLite thread runs them when no write is waiting (`sqlite-thread.ts`).
 */
import type Database from 'better-sqlite3';
import { recordSearchKeys } from '../../domain/record-search.js';
import type { TailRow } from './sqlite-timeline-tail.js';

export interface IndexedRow extends TailRow {
  event_id: string;
  template_id: number;
}

export interface IndexedChunk {
  /** The rows indexed, in rowid order. */
  rows: IndexedRow[];
  /** The watermark before and after the chunk. */
  from: number;
  to: number;
}

function byRecordThenTime(a: IndexedRow, b: IndexedRow): number {
  return (
    a.portal_id - b.portal_id ||
    (a.object_type < b.object_type ? -1 : a.object_type > b.object_type ? 1 : 0) ||
    a.object_id - b.object_id ||
    a.ts - b.ts
  );
}

function sameRecord(a: TailRow, b: TailRow): boolean {
  return a.object_id === b.object_id && a.portal_id === b.portal_id && a.object_type === b.object_type;
}

export class SqliteTimelineIndexer {
  private readonly statements;
  /** The log's end when this process started: chunks before it refresh every record's keys. */
  private readonly refreshThrough: number;
  private readonly indexChunk: Database.Transaction<(max: number) => IndexedChunk>;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      watermark: db.prepare('SELECT indexed_through FROM timeline_index_state WHERE id = 1').pluck(),
      lastRowid: db.prepare('SELECT max(rowid) FROM timeline_events').pluck(),
      next: db.prepare(
        `SELECT rowid, portal_id, object_type, object_id, ts, event_id, template_id
         FROM timeline_events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      ),
      insert: db.prepare(
        `INSERT INTO timeline_record_index (portal_id, object_type, object_id, ts, event_id, template_id)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      count: db
        .prepare(
          `INSERT INTO timeline_record_activity (portal_id, object_type, object_id, event_count, last_event_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (portal_id, object_type, object_id) DO UPDATE SET
           event_count = event_count + excluded.event_count,
           last_event_at = max(last_event_at, excluded.last_event_at)
         RETURNING event_count`,
        )
        .pluck(),
      properties: db
        .prepare('SELECT properties FROM crm_records WHERE portal_id = ? AND object_type = ? AND id = ?')
        .pluck(),
      // Written only when a key changed: most runs are records whose keys are already there.
      searchKeys: db.prepare(
        `INSERT INTO timeline_record_search AS s (portal_id, object_type, object_id, email, email_domain, domain)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (portal_id, object_type, object_id) DO UPDATE SET
           email = excluded.email, email_domain = excluded.email_domain, domain = excluded.domain
         WHERE s.email IS NOT excluded.email OR s.email_domain IS NOT excluded.email_domain
           OR s.domain IS NOT excluded.domain`,
      ),
      setWatermark: db.prepare('UPDATE timeline_index_state SET indexed_through = ? WHERE id = 1'),
    };
    this.refreshThrough = this.lastRowid();
    this.indexChunk = db.transaction((max: number): IndexedChunk => {
      const from = this.watermark();
      const rows = this.statements.next.all(from, max) as IndexedRow[];
      if (rows.length === 0) return { rows, from, to: from };
      const sorted = [...rows].sort(byRecordThenTime);
      let run: IndexedRow | undefined;
      let runCount = 0;
      let runLast = 0;
      const everyRecord = from < this.refreshThrough;
      const flushRun = () => {
        if (!run) return;
        const count = this.statements.count.get(
          run.portal_id,
          run.object_type,
          run.object_id,
          runCount,
          runLast,
        );
        // A count equal to this run's: the record's first indexed events, so it has no keys yet.
        if (count === runCount || everyRecord)
          this.refreshSearchKeys(run.portal_id, run.object_type, run.object_id);
      };
      for (const row of sorted) {
        this.statements.insert.run(
          row.portal_id,
          row.object_type,
          row.object_id,
          row.ts,
          row.event_id,
          row.template_id,
        );
        if (run && sameRecord(run, row)) {
          runCount += 1;
          if (row.ts > runLast) runLast = row.ts;
        } else {
          flushRun();
          run = row;
          runCount = 1;
          runLast = row.ts;
        }
      }
      flushRun();
      const to = (rows[rows.length - 1] as IndexedRow).rowid;
      this.statements.setWatermark.run(to);
      return { rows, from, to };
    });
  }

  /** Sets a record's search keys from its stored properties (none when it is gone). */
  refreshSearchKeys(portalId: number, objectType: string, objectId: number): void {
    const properties = this.statements.properties.get(portalId, objectType, objectId) as string | undefined;
    const keys = recordSearchKeys(properties === undefined ? {} : JSON.parse(properties));
    this.statements.searchKeys.run(portalId, objectType, objectId, keys.email, keys.emailDomain, keys.domain);
  }

  /**
   * After a reset deleted events (the only time the log loses rows), the log's new end is where
   * indexing goes on from: every row left was indexed before the delete, and new rows get rowids
   * past it, so the log stays dense above the watermark.
   */
  restartAtLogEnd(): void {
    this.statements.setWatermark.run(this.lastRowid());
  }

  watermark(): number {
    return this.statements.watermark.get() as number;
  }

  lastRowid(): number {
    return (this.statements.lastRowid.get() as number | null) ?? 0;
  }

  /** How many logged events wait for the index (rowids are dense: events are never deleted). */
  unindexed(): number {
    return this.lastRowid() - this.watermark();
  }

  /**
   * Indexes up to `max` of the oldest unindexed events in one transaction. Its commit is not
   * fsynced on its own (`synchronous = NORMAL`: the WAL is still synced before each checkpoint): the
   * index is derived from the log, and the next event commit's fsync covers it, as the WAL is one
   * file written in order. Until then a crash can lose the chunk and its watermark together, and the
   * chunk is indexed again. Acknowledged events keep their own fsync (`synchronous = FULL`).
   */
  index(max: number): IndexedChunk {
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.indexChunk.immediate(max);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }
}
