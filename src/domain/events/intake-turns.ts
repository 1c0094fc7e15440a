/**
 * A few event-create requests' work per turn of the event loop. Reading, checking and packing a
 * batch of 100 events is a millisecond or two of the HTTP thread's CPU, and under load dozens of
 * batches arrive together (the answers of one group commit go out together, and their clients send
 * the next batches at once): handled in the turn they arrive, they hold every other request of that
 * turn and the store's answers behind them for a hundred milliseconds and more. Taken PER_TURN at a
 * time, the reads and answers that arrive meanwhile are served between them.
 */

/**
 * Requests let through in one turn. One at a time, the SQLite thread received the batches one by
 * one and committed them in groups of a few hundred events, a commit's fsync each: 20-35% fewer
 * events/s than before the turns (bench/HISTORY.md). Four brought events/s back to where it was in
 * the runs beside it, and a read waits for four batches' work at most.
 */
const PER_TURN = 4;

export class IntakeTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves in a turn of the event loop shared with PER_TURN - 1 others at most, in the order asked. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the I/O of the turn (new requests, the store's answers) is handled.
    setImmediate(() => {
      this.scheduled = false;
      for (const resolve of this.waiting.splice(0, PER_TURN)) resolve();
      if (this.waiting.length > 0) this.schedule();
    });
  }
}
