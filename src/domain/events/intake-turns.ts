/**
 * One event-create request's work per turn of the event loop. Reading, checking and packing a batch
 * of 100 events is a millisecond or two of the HTTP thread's CPU, and under load dozens of batches
 * arrive together (the answers of one group commit go out together, and their clients send the next
 * batches at once): handled in the turn they arrive, they hold every other request of that turn and
 * the store's answers behind them for a hundred milliseconds and more. Taken one per turn, the reads
 * and answers that arrive meanwhile are served between two batches; the batches themselves lose
 * only the turn's own cost (microseconds), the store still receives them faster than it commits.
 */
export class IntakeTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves in a turn of the event loop of its own, in the order the requests came. */
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
      this.waiting.shift()?.();
      if (this.waiting.length > 0) this.schedule();
    });
  }
}
