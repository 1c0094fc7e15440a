/**
 * Writes timeline events to PostgreSQL. A whole batch is one transaction (one commit), and each event
 * that changes records runs in a savepoint inside it, so a failing event rolls back its own record
 * changes and nothing else. The event rows go in with one multi-row insert at the end (measured
 * several times faster than one insert per event: bench/pg-insert-strategies.ts), in the statement
 * that also counts them onto their records (postgres-record-activity.ts). The batch is answered
 * only after the commit; on any unexpected error everything is rolled back and rethrown.
 *
 * Concurrency (READ COMMITTED): ids already stored are read before anything is written (ids the
 * server has just made, `idIsNew`, only on a second attempt), so an identical re-send is
 * answered as a replay and a different one as EVENT_ID_IN_USE. When another
 * transaction wins a race after that read (the same event id, a contact's email, a deadlock), the
 * conflict shows as a row not inserted or a SQLSTATE; the whole batch then runs again, which is safe
 * because nothing of it was committed, and the winner's rows are visible to the new attempt.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { EventWrite, EventWriteOptions, EventWriteResult } from '../../domain/store.js';
import type { TimelineEvent } from '../../domain/types.js';
import { type EventRow, eventFromRow } from '../rows.js';
import { applyBatchStamps } from './postgres-batch-stamps.js';
import { translatePostgresError } from './postgres-errors.js';
import { eventKey, findEvent, findEvents } from './postgres-event-rows.js';
import { KnownRecords } from './postgres-known-records.js';
import { isRetryable, transaction } from './postgres-pool.js';
import { recordKey, writeBatchRows } from './postgres-record-activity.js';
import { EventFailure, RecordResolver } from './postgres-record-resolver.js';
import type { PostgresRecords } from './postgres-records.js';

/** A concurrent transaction stored one of the batch's event ids after the batch read them. */
class RaceLost extends Error {}

/** An atomic batch with a failing write: thrown to roll the transaction back; carries the answers. */
class AtomicBatchFailed extends Error {
  constructor(readonly results: EventWriteResult[]) {
    super('atomic batch failed');
  }
}

const MAX_ATTEMPTS = 5;

function lostRace(error: unknown): boolean {
  // 23505: a unique index met a row committed meanwhile (a contact's email or an event id taken by
  // another writer).
  return error instanceof RaceLost || isRetryable(error) || (error as { code?: unknown }).code === '23505';
}

/**
 * The savepoint that makes one event all-or-nothing. Only events that go to the database for their
 * record take it; after a rollback it stands at the start of the next event and is reused.
 */
class EventSavepoint {
  private state: 'none' | 'clean' | 'used' = 'none';

  constructor(private readonly client: pg.PoolClient) {}

  async begin(): Promise<void> {
    if (this.state !== 'clean') {
      // Released before the next is taken, so savepoints do not nest as deep as the batch is long.
      await this.client.query(
        this.state === 'none' ? 'SAVEPOINT event' : 'RELEASE SAVEPOINT event; SAVEPOINT event',
      );
    }
    this.state = 'used';
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK TO SAVEPOINT event');
    this.state = 'clean';
  }
}

export class PostgresEventWriter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly records: PostgresRecords,
  ) {}

  async write(writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]> {
    if (writes.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(this.pool, async (client) => {
          const results = await this.writeBatch(client, writes, options, attempt);
          if (options.atomic && results.some((result) => !result.ok)) throw new AtomicBatchFailed(results);
          return results;
        });
      } catch (error) {
        // The transaction has rolled back: nothing of the batch is stored.
        if (error instanceof AtomicBatchFailed) {
          return error.results.map((result) =>
            result.ok ? { ok: false, code: 'EVENT_NOT_STORED', params: {} } : result,
          );
        }
        if (attempt >= MAX_ATTEMPTS || !lostRace(error)) throw translatePostgresError(error);
        // After a deadlock both sides would otherwise start again together and meet again; a random
        // pause lets the survivor commit first.
        if (isRetryable(error)) await sleep(Math.random() * 20 * attempt);
      }
    }
  }

  async find(portalId: number, templateId: number, eventId: string): Promise<TimelineEvent | undefined> {
    try {
      return await findEvent(this.pool, portalId, templateId, eventId);
    } catch (error) {
      throw translatePostgresError(error);
    }
  }

  private async writeBatch(
    client: pg.PoolClient,
    writes: EventWrite[],
    options: EventWriteOptions,
    attempt: number,
  ): Promise<EventWriteResult[]> {
    // An id the server has just made (`idIsNew`, as the SQLite writer reads it) is in no stored
    // event, so the first attempt does not look it up (a batch of generated ids skips the query);
    // should one meet a stored id after all, the insert fails and the batch runs again, looking
    // every id up.
    const lookup = attempt === 1 ? writes.filter((w) => w.idIsNew !== true) : writes;
    const stored = lookup.length > 0 ? await findEvents(client, lookup) : new Map<string, EventRow>();
    const keys = writes.map((w) => eventKey(w.portalId, Number(w.event.eventTemplateId), w.event.id));
    const seen = new Set<string>();
    // The writes that will be written: not stored yet, and not a repeat of an earlier one.
    const fresh = keys.map((key) => !stored.has(key) && !seen.has(key) && Boolean(seen.add(key)));
    const known = await KnownRecords.load(client, writes, fresh, options.now);
    // Stamps on known records: locked in one sorted statement and written in one, for the batch.
    const stamped = await applyBatchStamps(client, writes, fresh, known, options.now);
    const resolver = new RecordResolver(client, this.records, known, options);
    const savepoint = new EventSavepoint(client);
    // Events accepted earlier in this batch, so a repeated id inside one batch answers like a re-send.
    const accepted = new Map<string, { fingerprint: string; event: TimelineEvent }>();
    const inserts: { write: EventWrite; objectId: number }[] = [];
    // The records the batch may have changed (`recordKey`): their search keys are recomputed.
    const changed = new Set<string>();
    const results: EventWriteResult[] = [];
    for (const [i, write] of writes.entries()) {
      const { event, fingerprint } = write;
      const key = keys[i] as string;
      const row = stored.get(key);
      const earlier = row ? { fingerprint: row.fingerprint, event: eventFromRow(row) } : accepted.get(key);
      if (earlier) {
        // *Ours*: the identical event sent again is an idempotent success answering the stored event.
        // An id the server made has no fingerprint and cannot be a re-send: its twin is a conflict.
        results.push(
          fingerprint !== '' && earlier.fingerprint === fingerprint
            ? { ok: true, event: earlier.event, replayed: true }
            : { ok: false, code: 'EVENT_ID_IN_USE', params: { id: event.id } },
        );
        continue;
      }
      let objectId = stamped.get(i);
      if (objectId !== undefined && (write.stamps.email !== undefined || write.stamps.domain !== undefined)) {
        changed.add(recordKey(write.portalId, event.objectType, objectId));
      }
      objectId ??= resolver.knownId(write);
      if (objectId === undefined) {
        await savepoint.begin();
        try {
          objectId = await resolver.resolve(write);
          changed.add(recordKey(write.portalId, event.objectType, objectId));
        } catch (error) {
          if (!(error instanceof EventFailure)) throw error;
          await savepoint.rollback();
          results.push(error.failure);
          continue;
        }
      }
      const written: TimelineEvent = { ...event, objectId: String(objectId) };
      accepted.set(key, { fingerprint, event: written });
      inserts.push({ write, objectId });
      results.push({ ok: true, event: written, replayed: false });
    }
    // The events, the records' counts and search keys, in this transaction (one statement): a read
    // after the answer sees them.
    if (inserts.length > 0 && (await writeBatchRows(client, inserts, changed)) !== inserts.length) {
      throw new RaceLost();
    }
    return results;
  }
}
