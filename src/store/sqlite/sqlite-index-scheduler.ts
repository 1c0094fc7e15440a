/**
 * When the SQLite thread fills the per-record timeline index behind the event log (issue 11,
 * `sqlite-timeline-indexer.ts`): in small sorted batches once no write has come for `QUIET_MS`, so
 * ingestion does not pay for it; and, if writes never pause and the unindexed backlog passes
 * `FORCED_BACKLOG`, one larger batch after each commit, so the backlog (which every record read
 * merges) stays bounded.
 */
import type { SqliteStore } from './sqlite-store.js';

/**
 * How long writes must pause before the index is filled. 20 ms proved too eager (issue 16): under a
 * steady 10-connection load the HTTP thread leaves gaps that long whenever the machine is busy, and
 * indexing then took 38% of this thread during ingestion (perf record). Reads merge the unindexed
 * tail, so waiting longer costs readers nothing they can see.
 */
const QUIET_MS = 200;
/** Events indexed per quiet batch: a write arriving meanwhile waits for one batch at most. */
const QUIET_BATCH = 2_000;
/** Past this many unindexed events, each commit is followed by a batch of `FORCED_BATCH`. */
const FORCED_BACKLOG = 1_000_000;
const FORCED_BATCH = 20_000;
/** After an indexing failure (disk full, I/O), wait this long before trying again. */
const RETRY_MS = 1_000;

export class IndexScheduler {
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `writesWaiting`: whether writes are queued for the next commit (indexing then waits). */
  constructor(
    private readonly store: SqliteStore,
    private readonly writesWaiting: () => boolean,
  ) {}

  /** A write has arrived: the quiet period starts again. */
  writeArrived(): void {
    this.lastWriteAt = performance.now();
  }

  /** A group commit has ended: a forced batch if the backlog is too long, then wait for quiet. */
  afterCommit(): void {
    this.lastWriteAt = performance.now();
    try {
      if (this.store.unindexedEvents() > FORCED_BACKLOG) this.store.indexTimeline(FORCED_BATCH);
    } catch {
      // As in indexWhenQuiet: the quiet indexer retries.
    }
    this.schedule(QUIET_MS);
  }

  /** After migrating: a restarted server indexes what an earlier run left unindexed. */
  start(): void {
    this.schedule(QUIET_MS);
  }

  /** Before the store closes: nothing may run on a closed file. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Indexes one batch if writes have paused, and keeps going while they stay paused. */
  private indexWhenQuiet(): void {
    this.timer = undefined;
    const quietFor = performance.now() - this.lastWriteAt;
    if (this.writesWaiting() || quietFor < QUIET_MS) {
      this.schedule(QUIET_MS - quietFor);
      return;
    }
    try {
      if (this.store.indexTimeline(QUIET_BATCH) === QUIET_BATCH) this.schedule(0);
    } catch {
      // Reads merge the unindexed events, so nothing is lost or hidden; try again later.
      this.schedule(RETRY_MS);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.indexWhenQuiet(), Math.max(0, delayMs));
    this.timer.unref();
  }
}
