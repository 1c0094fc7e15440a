/**
 * Writes timeline events to SQLite. A whole batch is one transaction (one fsync), and each event runs
 * in a savepoint inside it, so a failing event rolls back its own record changes and nothing else.
 * The batch is acknowledged only after the outer commit.
 */
import type Database from 'better-sqlite3';
import {
  CANONICAL_ID,
  type EventWriteOptions,
  type RecordRef,
  type StoreFailure,
} from '../../domain/store.js';
import type { TimelineEvent } from '../../domain/types.js';
import { asEmailFailure, type EventRow, eventFromRow, type RecordRow } from '../rows.js';
import type { PackedEventWrite, PackedResult } from './packed-event-write.js';
import type { RowWriteResult, SqliteRecords } from './sqlite-records.js';

export type { EventWriteOptions };

export interface EventWriteGroup {
  writes: PackedEventWrite[];
  options: EventWriteOptions;
}

/** Thrown inside an event's savepoint to roll it back; carries the answer for that event. */
class EventFailure extends Error {
  constructor(readonly failure: StoreFailure) {
    super(failure.code);
  }
}

/** Thrown inside an atomic group's savepoint to roll the whole group back; carries its answers. */
class GroupFailure extends Error {
  constructor(readonly results: PackedResult[]) {
    super('atomic batch failed');
  }
}

const NOT_STORED: StoreFailure = { ok: false, code: 'EVENT_NOT_STORED', params: {} };

export class SqliteEventWriter {
  private readonly statements;
  private readonly writeOne: Database.Transaction<
    (write: PackedEventWrite, autoCreate: boolean, now: number) => PackedResult
  >;
  private readonly writeGroupsInOneCommit: Database.Transaction<
    (groups: EventWriteGroup[]) => PackedResult[][]
  >;
  private readonly writeAtomicGroup: Database.Transaction<(group: EventWriteGroup) => PackedResult[]>;

  constructor(
    private readonly db: Database.Database,
    private readonly records: SqliteRecords,
  ) {
    this.statements = {
      find: db.prepare(
        'SELECT * FROM timeline_events WHERE portal_id = ? AND template_id = ? AND event_id = ?',
      ),
      insert: db.prepare(
        `INSERT INTO timeline_events (portal_id, template_id, event_id, object_type, object_id, ts, created_at, fingerprint, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      findUtk: db.prepare('SELECT contact_id FROM contact_utks WHERE portal_id = ? AND utk = ?'),
      bindUtk: db.prepare('INSERT INTO contact_utks (portal_id, utk, contact_id) VALUES (?, ?, ?)'),
    };
    // Nested better-sqlite3 transactions are savepoints: the per-event unit of all-or-nothing.
    this.writeOne = db.transaction((write: PackedEventWrite, autoCreate: boolean, now: number) =>
      this.writeEvent(write, autoCreate, now),
    );
    // An atomic group is a savepoint of its own inside the group commit: when any of its events
    // fails, it rolls back whole and the other groups of the commit are untouched.
    this.writeAtomicGroup = db.transaction((group: EventWriteGroup) => {
      const results = this.writeEach(group);
      if (results.some((result) => !result.ok)) throw new GroupFailure(results);
      return results;
    });
    this.writeGroupsInOneCommit = db.transaction((groups: EventWriteGroup[]) =>
      groups.map((group) => {
        if (!group.options.atomic) return this.writeEach(group);
        try {
          return this.writeAtomicGroup(group);
        } catch (error) {
          if (!(error instanceof GroupFailure)) throw error;
          this.records.afterRollback();
          return error.results.map((result) => (result.ok ? NOT_STORED : result));
        }
      }),
    );
  }

  private writeEach({ writes, options }: EventWriteGroup): PackedResult[] {
    return writes.map((write) => {
      try {
        // A savepoint only where the event could fail after it has written something; every
        // other event checks all it can fail on before its first write (see writeEvent).
        if (!mayFailAfterWriting(write, options.autoCreateRecords))
          return this.writeEvent(write, options.autoCreateRecords, options.now);
        try {
          return this.writeOne(write, options.autoCreateRecords, options.now);
        } catch (error) {
          // The savepoint rolled back: the contacts cache forgets what the event wrote.
          this.records.afterRollback();
          throw error;
        }
      } catch (error) {
        if (error instanceof EventFailure) return error.failure;
        throw error;
      }
    });
  }

  /**
   * Group commit: several callers' batches in one transaction, so one commit (and the pages it
   * writes to the WAL) serves them all. Each event still has its own savepoint; an unexpected
   * error rolls back every group, and nothing of it is acknowledged.
   */
  writeGroups(groups: EventWriteGroup[]): PackedResult[][] {
    let results: PackedResult[][];
    try {
      results = this.writeGroupsInOneCommit.immediate(groups);
    } catch (error) {
      this.records.afterRollback();
      throw error;
    }
    this.records.afterCommit();
    return results;
  }

  find(portalId: number, templateId: number, eventId: string): TimelineEvent | undefined {
    const row = this.statements.find.get(portalId, templateId, eventId) as EventRow | undefined;
    return row && eventFromRow(row);
  }

  /**
   * Writes one event. All its failures but two are found before its first write: the id lookup,
   * the record lookups, a taken email (checked before it is set). The two that can come after a
   * write (a stamp of a taken `email`; an `email` on a record auto-created for its objectId) run
   * inside a savepoint (`mayFailAfterWriting`).
   */
  private writeEvent(write: PackedEventWrite, autoCreate: boolean, now: number): PackedResult {
    // A fresh UUIDv7 made for this write is in no stored event (should one ever be, the insert's
    // primary key refuses it and the whole commit rolls back, unacknowledged).
    const existing = write.idIsNew
      ? undefined
      : (this.statements.find.get(write.portalId, write.templateId, write.eventId) as EventRow | undefined);
    if (existing) {
      // *Ours*: the identical event sent again is an idempotent success answering the stored event.
      // A server-made id has no fingerprint ('') and so never counts as a re-send.
      if (write.fingerprint !== '' && existing.fingerprint === write.fingerprint) {
        return { ok: true, event: eventFromRow(existing), replayed: true };
      }
      throw new EventFailure({ ok: false, code: 'EVENT_ID_IN_USE', params: { id: write.eventId } });
    }
    let record = this.resolveRecord(write, autoCreate, now);
    if (Object.keys(write.stamps).length > 0)
      record = this.check(this.records.mergeRow(record, write.stamps, now));
    this.statements.insert.run(
      write.portalId,
      write.templateId,
      write.eventId,
      write.objectType,
      record.id,
      write.timestamp,
      write.createdAt,
      write.fingerprint,
      write.body,
    );
    return { ok: true, objectId: String(record.id) };
  }

  private resolveRecord(write: PackedEventWrite, autoCreate: boolean, now: number): RecordRow {
    const { portalId, objectType } = write;
    const ref: RecordRef = write.record;
    switch (ref.by) {
      case 'objectId': {
        let row = this.records.find(portalId, objectType, ref.objectId);
        if (!row) {
          if (!autoCreate || !CANONICAL_ID.test(ref.objectId)) {
            throw new EventFailure({
              ok: false,
              code: 'RECORD_NOT_FOUND',
              params: { objectType, objectId: ref.objectId },
            });
          }
          row = this.check(this.records.createRow(portalId, objectType, {}, now, ref.objectId));
        }
        if (objectType === 'contacts' && ref.email !== undefined) row = this.setEmail(row, ref.email, now);
        if (objectType === 'companies' && ref.domain !== undefined) {
          row = this.check(this.records.mergeRow(row, { domain: ref.domain }, now));
        }
        return row;
      }
      case 'utk': {
        const bound = this.statements.findUtk.get(portalId, ref.utk) as { contact_id: number } | undefined;
        const contact = bound && this.records.find(portalId, 'contacts', String(bound.contact_id));
        if (contact) return ref.email === undefined ? contact : this.setEmail(contact, ref.email, now);
        if (ref.email === undefined)
          throw new EventFailure({ ok: false, code: 'UTK_NOT_FOUND', params: { utk: ref.utk } });
        const row = this.contactByEmail(portalId, ref.email, now);
        if (bound) {
          this.db
            .prepare('UPDATE contact_utks SET contact_id = ? WHERE portal_id = ? AND utk = ?')
            .run(row.id, portalId, ref.utk);
        } else {
          this.statements.bindUtk.run(portalId, ref.utk, row.id);
        }
        return row;
      }
      case 'email':
        // A new contact is created with the event's stamps already in it: one write, not two.
        return this.contactByEmail(portalId, ref.email, now, write.stamps);
    }
  }

  private contactByEmail(
    portalId: number,
    email: string,
    now: number,
    stamps: Record<string, string> = {},
  ): RecordRow {
    return (
      this.records.findContactByEmail(portalId, email) ??
      this.check(this.records.createRow(portalId, 'contacts', { ...stamps, email }, now))
    );
  }

  /** Sets a contact's email (a merge that changes nothing writes nothing). */
  private setEmail(row: RecordRow, email: string, now: number): RecordRow {
    const result = this.records.mergeRow(row, { email }, now);
    if (!result.ok) throw new EventFailure(asEmailFailure(result, email));
    return result.row;
  }

  private check(result: RowWriteResult): RecordRow {
    if (!result.ok) throw new EventFailure(result);
    return result.row;
  }
}

/** Whether an event can fail after a first write of its own, and so needs a savepoint. */
function mayFailAfterWriting(write: PackedEventWrite, autoCreate: boolean): boolean {
  if ('email' in write.stamps) return true;
  return autoCreate && write.record.by === 'objectId' && write.record.email !== undefined;
}
