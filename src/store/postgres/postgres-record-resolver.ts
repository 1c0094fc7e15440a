/**
 * Finds (or makes) the CRM record of each event of one batch, inside the batch's transaction, by the
 * `RecordRef` rules of `store.ts`. An event that only points at a record the batch already knows
 * (`KnownRecords`), with stamps it already holds, needs no query and takes no lock; the others (record changes, creation, utks) take the per-event
 * path, which runs inside the event's savepoint and throws `EventFailure` to have it rolled back.
 */

import { CANONICAL_ID, type EventWrite, type StoreFailure } from '../../domain/store.js';
import { asEmailFailure, type RecordRow } from '../rows.js';
import type { KnownRecords } from './postgres-known-records.js';
import { run, type Sql } from './postgres-pool.js';
import type { PostgresRecords, RowResult } from './postgres-records.js';

/** Thrown inside an event's savepoint to roll it back; carries the answer for that event. */
export class EventFailure extends Error {
  constructor(readonly failure: StoreFailure) {
    super(failure.code);
  }
}

const S = {
  findUtk: {
    name: 'utk_find',
    text: 'SELECT contact_id FROM contact_utks WHERE portal_id = $1 AND utk = $2',
  },
  // Also re-points a utk whose contact was archived.
  bindUtk: {
    name: 'utk_bind',
    text: `INSERT INTO contact_utks (portal_id, utk, contact_id) VALUES ($1, $2, $3)
           ON CONFLICT (portal_id, utk) DO UPDATE SET contact_id = EXCLUDED.contact_id`,
  },
};

/**
 * Whether the event changes its record (or may create one) by its reference rather than only
 * pointing at it; its stamps are compared with the record apart (`KnownRecords.holds`).
 */
export function changesRecord(write: EventWrite): boolean {
  // A stamped email moves the contact between emails: always the careful path.
  if (write.stamps.email !== undefined) return true;
  const { record: ref, event } = write;
  if (ref.by === 'objectId') {
    return (
      (event.objectType === 'contacts' && ref.email !== undefined) ||
      (event.objectType === 'companies' && ref.domain !== undefined)
    );
  }
  return ref.by === 'utk';
}

export class RecordResolver {
  constructor(
    private readonly sql: Sql,
    private readonly records: PostgresRecords,
    private readonly known: KnownRecords,
    private readonly options: { autoCreateRecords: boolean; now: number },
  ) {}

  /**
   * The record id without a query, when the event only points at a record the batch knows and its
   * stamps (if any) are already on it: such an event writes nothing to the record, so it needs no
   * lock (the usual case: events stamp the same values again and again).
   */
  knownId(write: EventWrite): number | undefined {
    if (changesRecord(write)) return undefined;
    const ref = write.record;
    const { portalId } = write;
    const { objectType } = write.event;
    let id: number | undefined;
    if (ref.by === 'objectId') {
      const n = Number(ref.objectId);
      if (CANONICAL_ID.test(ref.objectId) && this.known.hasId(portalId, objectType, n)) id = n;
    } else if (ref.by === 'email') {
      id = this.known.contactId(portalId, ref.email);
    }
    if (id === undefined) return undefined;
    if (Object.keys(write.stamps).length === 0) return id;
    // A contact by email is a contact whatever the event's object type says.
    const type = ref.by === 'email' ? 'contacts' : objectType;
    return this.known.holds(portalId, type, id, write.stamps) ? id : undefined;
  }

  /** The record id, through the database; must run inside the event's savepoint. */
  async resolve(write: EventWrite): Promise<number> {
    let row = await this.record(write, Object.keys(write.stamps).length > 0);
    if (Object.keys(write.stamps).length > 0) row = this.check(await this.merge(row, write.stamps));
    this.known.resolved(row);
    return row.id;
  }

  private async record(write: EventWrite, lock: boolean): Promise<RecordRow> {
    const { portalId, record: ref } = write;
    const { objectType } = write.event;
    const { now } = this.options;
    switch (ref.by) {
      case 'objectId': {
        const setsEmail = objectType === 'contacts' && ref.email !== undefined;
        const setsDomain = objectType === 'companies' && ref.domain !== undefined;
        const notFound = new EventFailure({
          ok: false,
          code: 'RECORD_NOT_FOUND',
          params: { objectType, objectId: ref.objectId },
        });
        let row = await this.records.find(
          this.sql,
          portalId,
          objectType,
          ref.objectId,
          lock || setsEmail || setsDomain,
        );
        if (!row) {
          if (!this.options.autoCreateRecords || !CANONICAL_ID.test(ref.objectId)) throw notFound;
          row = await this.records.ensureById(this.sql, portalId, objectType, Number(ref.objectId), now);
          if (!row) throw notFound;
        }
        if (setsEmail && ref.email !== undefined) row = await this.setEmail(row, ref.email);
        if (setsDomain && ref.domain !== undefined)
          row = this.check(await this.merge(row, { domain: ref.domain }));
        return row;
      }
      case 'utk': {
        const [bound] = await run<{ contact_id: number }>(this.sql, S.findUtk, [portalId, ref.utk]);
        const contact =
          bound &&
          (await this.records.find(
            this.sql,
            portalId,
            'contacts',
            String(bound.contact_id),
            lock || !!ref.email,
          ));
        if (contact) return ref.email === undefined ? contact : this.setEmail(contact, ref.email);
        if (ref.email === undefined) {
          throw new EventFailure({ ok: false, code: 'UTK_NOT_FOUND', params: { utk: ref.utk } });
        }
        const row = await this.records.contactByEmail(this.sql, portalId, ref.email, now, lock);
        await run(this.sql, S.bindUtk, [portalId, ref.utk, row.id]);
        return row;
      }
      case 'email':
        // A new contact is created with the event's stamps already in it: one write, not two.
        return this.records.contactByEmail(this.sql, portalId, ref.email, now, lock, write.stamps);
    }
  }

  /** Sets a contact's email (a merge that changes nothing writes nothing). */
  private async setEmail(row: RecordRow, email: string): Promise<RecordRow> {
    const result = await this.merge(row, { email });
    if (!result.ok) throw new EventFailure(asEmailFailure(result, email));
    return result.row;
  }

  private async merge(row: RecordRow, changes: Record<string, string>): Promise<RowResult> {
    const result = await this.records.merge(this.sql, row, changes, this.options.now);
    // The batch's email lookups go stale only when a contact's email really changed (a merge that
    // changes nothing answers the same row).
    if (result.ok && result.row !== row && row.object_type === 'contacts' && changes.email !== undefined) {
      this.known.emailChanged();
    }
    return result;
  }

  private check(result: RowResult): RecordRow {
    if (!result.ok) throw new EventFailure(result);
    return result.row;
  }
}
