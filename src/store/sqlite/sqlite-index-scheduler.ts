/**
 * When the SQLite thread fills the per-record timeline index behind the event log
 * (`sqlite-timeline-indexer.ts`). Every index batch is short (at most `SLICE_MAX` events, and as
 * many as take about `SLICE_TARGET_MS` at the pace the last slices went), so a write or a read that
 * arrives meanwhile waits for one short batch at most:
 *
 * - once no write has come for `QUIET_MS`, slice after slice until the backlog is gone, a turn of
 *   the event loop apart (the calls waiting meanwhile are served in between);
 * - while writes keep coming and more than `BACKLOG_MAX` events wait, after each group commit one
 *   slice of about 1.2 times the events that commit stored: past that backlog the index keeps pace
 *   with the log, so the unindexed tail every record read merges stays bounded however long the
 *   load lasts.
 *
 * Before, past a million unindexed events the index took 20,000 after each commit: on a file of a
 * few million events such a batch took about half a second (each event's index entry and activity
 * row land on pages of their own), every write and read waiting behind it.
 */
import type { SqliteStore } from './sqlite-store.js';

/**
 * How long writes must pause before the index is filled. 20 ms proved too eager: under a steady load the HTTP thread leaves gaps that long whenever the machine is busy.
 */
const QUIET_MS = 200;
/**
 * Up to this many unindexed events, indexing waits for a pause: ingestion does not pay for it
 * meanwhile. Reads merge them (`sqlite-timeline-tail.ts`: a few MB in memory, kept up to date after
 * each commit once a read has loaded it).
 */
const BACKLOG_MAX = 250_000;
/** The most events one index batch takes. */
const SLICE_MAX = 2_000;
/**
 * How long one slice should take. A slice costs more per event on a larger file (each event's index
 * entry lands on a page of its own): 2,000 events took about 100 ms of CPU on a file of a million
 * (bench/HISTORY.md), so the slice shrinks to what the last ones did in this time.
 */
const SLICE_TARGET_MS = 25;
/** The least a slice after a commit takes, so a stream of small commits still drains the backlog. */
const SLICE_MIN = 200;
/** After an indexing failure (disk full, I/O), wait this long before trying again. */
const RETRY_MS = 1_000;

export class IndexScheduler {
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Milliseconds per event of the last slices (a running average; 0 before the first). */
  private msPerEvent = 0;

  /** `writesWaiting`: whether writes are queued for the next commit (indexing then waits). */
  constructor(
    private readonly store: SqliteStore,
    private readonly writesWaiting: () => boolean,
  ) {}

  /** A write has arrived: the quiet period starts again. */
  writeArrived(): void {
    this.lastWriteAt = performance.now();
  }

  /**
   * A group commit of `events` has ended: past the backlog, one slice in step with it (and a little
   * more, so the backlog comes back under it); then wait for quiet.
   */
  afterCommit(events: number): void {
    if (this.stopped) return; // a commit's turn after it can come after the close
    this.lastWriteAt = performance.now();
    try {
      const backlog = this.store.unindexedEvents();
      // Past twice the backlog the slices keep pace whatever they take, so it stays bounded.
      if (backlog > BACKLOG_MAX) this.slice(Math.ceil(events * 1.2), backlog > 2 * BACKLOG_MAX);
      this.store.followTimelineTail();
    } catch {
      // As in indexWhenQuiet: the quiet indexer retries; a read brings the tail up to date itself.
    }
    this.schedule(QUIET_MS);
  }

  /** After migrating: a restarted server indexes what an earlier run left unindexed. */
  start(): void {
    this.schedule(QUIET_MS);
  }

  /** Before the store closes: nothing may run on a closed file. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Indexes one slice if writes have paused, and keeps going (a turn of the event loop apart). */
  private indexWhenQuiet(): void {
    this.timer = undefined;
    const quietFor = performance.now() - this.lastWriteAt;
    if (this.writesWaiting() || quietFor < QUIET_MS) {
      this.schedule(QUIET_MS - quietFor);
      return;
    }
    try {
      if (this.slice(SLICE_MAX, false)) this.schedule(0);
    } catch {
      // Reads merge the unindexed events, so nothing is lost or hidden; try again later.
      this.schedule(RETRY_MS);
    }
  }

  /**
   * Indexes one slice of about `wanted` events (at least SLICE_MIN, at most SLICE_MAX), and no more
   * than fit in SLICE_TARGET_MS at the recent pace unless `keepUp`; answers whether it was full
   * (more may wait).
   */
  private slice(wanted: number, keepUp: boolean): boolean {
    const fits = this.msPerEvent > 0 ? Math.floor(SLICE_TARGET_MS / this.msPerEvent) : SLICE_MAX;
    const size = Math.max(SLICE_MIN, Math.min(SLICE_MAX, wanted, keepUp ? SLICE_MAX : fits));
    const started = performance.now();
    const indexed = this.store.indexTimeline(size);
    if (indexed > 0) {
      const pace = (performance.now() - started) / indexed;
      this.msPerEvent = this.msPerEvent === 0 ? pace : (this.msPerEvent + pace) / 2;
    }
    return indexed === size;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => this.indexWhenQuiet(), Math.max(0, delayMs));
    this.timer.unref();
  }
}
