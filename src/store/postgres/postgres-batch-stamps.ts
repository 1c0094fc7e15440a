/**
 * The stamps of a batch's events on records the batch already knows, applied in two statements for
 * the whole batch instead of a savepoint, a locking read and an update per event:
 *
 * 1. one `SELECT ... ORDER BY portal_id, object_type, id FOR UPDATE` locks every record whose stamps
 *    change, in key order (PostgreSQL locks the rows as the sort emits them), so two batches that
 *    stamp the same records wait for each other instead of deadlocking and retrying;
 * 2. the batch's stamps are merged per record in event order, on the locked (latest) properties,
 *    and one `UPDATE ... FROM unnest(...)` writes the records they change.
 *
 * Only events that merely point at a known record and stamp properties other than `email` take this
 * path (such an event cannot fail: the record exists and is locked), and only in batches where no
 * event changes an email (the emails the batch looked up stay true) and every stamping event is of
 * that kind (so the stamps land in event order). Other batches keep the per-event path of
 * `RecordResolver`, each event in its savepoint, with deadlock-and-retry as before.
 */
import { CANONICAL_ID, type EventWrite } from '../../domain/store.js';
import { type RecordRow, timesAfterChange } from '../rows.js';
import { changesEmail, type KnownRecords } from './postgres-known-records.js';
import { run, type Sql } from './postgres-pool.js';
import { changesRecord } from './postgres-record-resolver.js';

const S = {
  lock: {
    name: 'crm_lock_sorted',
    text: `SELECT r.portal_id, r.object_type, r.id, r.properties, r.created_at, r.updated_at, r.property_times
           FROM crm_records r
           JOIN unnest($1::bigint[], $2::text[], $3::bigint[]) AS k(portal_id, object_type, id)
             ON r.portal_id = k.portal_id AND r.object_type = k.object_type AND r.id = k.id
           ORDER BY r.portal_id, r.object_type, r.id
           FOR UPDATE OF r`,
  },
  update: {
    name: 'crm_update_stamped',
    text: `UPDATE crm_records r SET properties = k.properties, updated_at = $5, property_times = k.times
           FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $6::text[])
             AS k(portal_id, object_type, id, properties, times)
           WHERE r.portal_id = k.portal_id AND r.object_type = k.object_type AND r.id = k.id`,
  },
};

interface Target {
  portalId: number;
  objectType: string;
  id: number;
  /** The batch's writes stamping it, in batch order. */
  writes: number[];
}

const compareTargets = (a: Target, b: Target): number =>
  a.portalId - b.portalId ||
  (a.objectType < b.objectType ? -1 : a.objectType > b.objectType ? 1 : 0) ||
  a.id - b.id;

/** The known record an event points at without changing it by its reference, if any. */
function knownTarget(write: EventWrite, known: KnownRecords): { objectType: string; id: number } | undefined {
  if (changesRecord(write)) return undefined;
  const { record: ref, portalId } = write;
  if (ref.by === 'objectId') {
    const id = Number(ref.objectId);
    const { objectType } = write.event;
    return CANONICAL_ID.test(ref.objectId) && known.hasId(portalId, objectType, id)
      ? { objectType, id }
      : undefined;
  }
  if (ref.by !== 'email') return undefined;
  // A contact by email is a contact whatever the event's object type says.
  const id = known.contactId(portalId, ref.email);
  return id === undefined ? undefined : { objectType: 'contacts', id };
}

/**
 * Applies the stamps that change known records (see above). Answers, by write index, the record
 * id of each write it handled: those writes need nothing more for their record.
 */
export async function applyBatchStamps(
  sql: Sql,
  writes: EventWrite[],
  fresh: boolean[],
  known: KnownRecords,
  now: number,
): Promise<Map<number, number>> {
  const handled = new Map<number, number>();
  if (writes.some(changesEmail)) return handled;
  const targets = new Map<string, Target>();
  let changing = false;
  let allKnown = true;
  writes.forEach((write, i) => {
    if (fresh[i] !== true || Object.keys(write.stamps).length === 0) return;
    const target = knownTarget(write, known);
    if (!target) {
      allKnown = false;
      return;
    }
    const k = `${write.portalId}\u0000${target.objectType}\u0000${target.id}`;
    const entry = targets.get(k) ?? { portalId: write.portalId, ...target, writes: [] };
    entry.writes.push(i);
    targets.set(k, entry);
    if (!known.holds(write.portalId, target.objectType, target.id, write.stamps)) changing = true;
  });
  // Nothing to change: every such event already finds its stamps on its record, lock-free. And a
  // stamping event of another kind (by utk, a record to create) would merge out of event order
  // after the batch's: then every event keeps the per-event path.
  if (!changing || !allKnown) return handled;
  const sorted = [...targets.values()].sort(compareTargets);
  const rows = await run<RecordRow>(sql, S.lock, [
    sorted.map((t) => t.portalId),
    sorted.map((t) => t.objectType),
    sorted.map((t) => t.id),
  ]);
  const locked = new Map(rows.map((row) => [`${row.portal_id}\u0000${row.object_type}\u0000${row.id}`, row]));
  const updates: { target: Target; properties: string; times: string }[] = [];
  for (const target of sorted) {
    const row = locked.get(`${target.portalId}\u0000${target.objectType}\u0000${target.id}`);
    // Archived since the batch looked it up: those events take the per-event path (RECORD_NOT_FOUND).
    if (!row) continue;
    // Event by event, as the per-event path would: a value changed and stamped back is still a
    // write (the record's updatedAt moves), a value stamped again unchanged is none.
    const current = JSON.parse(row.properties) as Record<string, string>;
    const merged = { ...current };
    const changedNames = new Set<string>();
    for (const i of target.writes) {
      for (const [name, value] of Object.entries((writes[i] as EventWrite).stamps)) {
        if (merged[name] !== value) {
          merged[name] = value;
          changedNames.add(name);
        }
      }
    }
    const changed = changedNames.size > 0;
    const properties = changed ? JSON.stringify(merged) : row.properties;
    if (changed)
      updates.push({ target, properties, times: timesAfterChange(row, current, [...changedNames], now) });
    known.resolved({ ...row, properties });
    for (const i of target.writes) handled.set(i, target.id);
  }
  if (updates.length > 0) {
    await run(sql, S.update, [
      updates.map((u) => u.target.portalId),
      updates.map((u) => u.target.objectType),
      updates.map((u) => u.target.id),
      updates.map((u) => u.properties),
      now,
      updates.map((u) => u.times),
    ]);
  }
  return handled;
}
