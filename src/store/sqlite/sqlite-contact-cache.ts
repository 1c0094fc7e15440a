/**
 * Contacts by email key, cached on the SQLite thread for the event writer: an event that names a
 * contact already met costs no lookup (it was about a sixth of the thread's time under the batch
 * benchmark). Write-through, and never ahead of the disk:
 *
 * - `committed` holds rows as of the last commit, nothing else;
 * - inside a transaction, rows read or written (and emails found free) go to `pending`, which is
 *   read first and moved into `committed` only once the commit has returned (`afterCommit`);
 * - a rollback, of a savepoint or of the whole transaction, drops `pending` and every committed
 *   entry it shadowed (`afterRollback`), so later reads in the transaction go to SQLite, the truth.
 *
 * Every write of `crm_records` passes through `SqliteRecords`, on this one thread, in the one process
 * that owns the file; writes other than the event path's (the CRM API, archive) clear the cache.
 */
import { LRUCache } from 'lru-cache';
import type { RecordRow } from '../rows.js';

/** About 250 bytes each: 100,000 contacts hold about 25 MB on the SQLite thread. */
const ENTRIES = 100_000;

/** `null`: the email belongs to no contact (known only inside a transaction). */
type Entry = RecordRow | null;

export class ContactCache {
  private readonly committed = new LRUCache<string, RecordRow>({ max: ENTRIES });
  private readonly pending = new Map<string, Entry>();

  /** The row of the contact with this email key; `null` when known free; `undefined` when unknown. */
  get(portalId: number, key: string): Entry | undefined {
    const id = cacheKey(portalId, key);
    const pending = this.pending.get(id);
    return pending !== undefined ? pending : this.committed.get(id);
  }

  /** What a read or write inside a transaction found; outside one, only rows that exist are kept. */
  set(portalId: number, key: string, row: Entry, inTransaction: boolean): void {
    const id = cacheKey(portalId, key);
    if (inTransaction) this.pending.set(id, row);
    else if (row) this.committed.set(id, row);
  }

  afterCommit(): void {
    for (const [id, row] of this.pending) {
      if (row) this.committed.set(id, row);
      else this.committed.delete(id);
    }
    this.pending.clear();
  }

  afterRollback(): void {
    for (const id of this.pending.keys()) this.committed.delete(id);
    this.pending.clear();
  }

  clear(): void {
    this.committed.clear();
    this.pending.clear();
  }
}

function cacheKey(portalId: number, key: string): string {
  return `${portalId}\u0000${key}`;
}
