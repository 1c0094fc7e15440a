/**
 * The unindexed tail of the SQLite event log, in memory: for each record, the rowids of its events
 * stored after `indexedThrough` (the last rowid copied into `timeline_record_index`). Reads merge it
 * with the index, so an event is readable the moment its write is acknowledged, while the index
 * itself is filled later, off the insert path (`sqlite-timeline-indexer.ts`).
 *
 * It is loaded lazily from the log (rows past `loadedThrough`) when a read needs it, so the write
 * path pays nothing for it; it holds two numbers per event (the rowid, and per record the newest
 * timestamp), a few megabytes for a million events.
 */
import type { ObjectType } from '../../domain/types.js';

export interface TailRecord {
  /** Ascending: the log is appended in rowid order. The live ones start at `head`. */
  rowids: number[];
  /** Each rowid's event timestamp, so a read fetches only the rows its page can hold. */
  times: number[];
  /** How many leading rowids have been indexed (a counter, so dropping them costs no copy). */
  head: number;
  /** The newest event timestamp among the rowids added since the record entered the tail. */
  lastEventAt: number;
}

export interface TailRow {
  rowid: number;
  portal_id: number;
  object_type: string;
  object_id: number;
  ts: number;
}

function groupKey(portalId: number, objectType: ObjectType): string {
  return `${portalId}\u0000${objectType}`;
}

export class TimelineTail {
  private groups = new Map<string, Map<number, TailRecord>>();
  /** The watermark this tail starts after; -1 until first synchronised. */
  indexedThrough = -1;
  /** The last rowid read into this tail. */
  loadedThrough = -1;

  /** Empties the tail: it starts again after `watermark`, nothing loaded yet. */
  reset(watermark: number): void {
    this.groups = new Map();
    this.indexedThrough = watermark;
    this.loadedThrough = watermark;
  }

  add(row: TailRow): void {
    const key = groupKey(row.portal_id, row.object_type);
    let group = this.groups.get(key);
    if (!group) {
      group = new Map();
      this.groups.set(key, group);
    }
    const record = group.get(row.object_id);
    if (record) {
      record.rowids.push(row.rowid);
      record.times.push(row.ts);
      if (row.ts > record.lastEventAt) record.lastEventAt = row.ts;
    } else {
      group.set(row.object_id, { rowids: [row.rowid], times: [row.ts], head: 0, lastEventAt: row.ts });
    }
    this.loadedThrough = row.rowid;
  }

  record(portalId: number, objectType: ObjectType, objectId: number): TailRecord | undefined {
    return this.groups.get(groupKey(portalId, objectType))?.get(objectId);
  }

  /** The records of one portal and type that have unindexed events. */
  records(portalId: number, objectType: ObjectType): ReadonlyMap<number, TailRecord> {
    return this.groups.get(groupKey(portalId, objectType)) ?? new Map();
  }

  /**
   * The rows just indexed (in rowid order, the oldest of the tail) leave it: each is the first rowid
   * of its record. Rows never loaded are simply skipped past.
   */
  dropIndexed(rows: readonly TailRow[], watermark: number): void {
    for (const row of rows) {
      if (row.rowid > this.loadedThrough) break;
      const group = this.groups.get(groupKey(row.portal_id, row.object_type));
      const record = group?.get(row.object_id);
      if (!group || !record || record.rowids[record.head] !== row.rowid) {
        // Not the order this tail expects (cannot happen with one writer): start over, safely.
        this.reset(watermark);
        return;
      }
      record.head += 1;
      if (record.head === record.rowids.length) group.delete(row.object_id);
    }
    this.indexedThrough = watermark;
    if (this.loadedThrough < watermark) this.loadedThrough = watermark;
  }
}

/**
 * The unindexed rowids of a tail record, newest event first (ties: the later rowid first), of the
 * events whose timestamps `keep` accepts.
 */
export function newestRowids(
  record: TailRecord,
  keep: (ts: number) => boolean,
): { rowid: number; ts: number }[] {
  const live: { rowid: number; ts: number }[] = [];
  for (let i = record.head; i < record.rowids.length; i++) {
    const ts = record.times[i] as number;
    if (keep(ts)) live.push({ rowid: record.rowids[i] as number, ts });
  }
  return live.sort((a, b) => b.ts - a.ts || b.rowid - a.rowid);
}
