/**
 * What an import has done, as a checkpoint may record it. The input is cut into stretches, one per
 * batch sent (with the events rejected before sending that were read in between). Batches are
 * answered out of order when several are in flight, so an answered stretch is committed only once
 * every stretch before it is: then, and only then, its rejects are written to the rejects file, its
 * counts added and the position moved past it. The position, the counts and the rejects file's
 * length therefore always describe the same prefix of the input, and a checkpoint of the three,
 * written at any moment, lets a resumed run carry on with neither a duplicate nor a gap.
 */
import type { ImportCounts } from './checkpoint.js';
import type { RejectLine, RejectsWriter } from './rejects-writer.js';

/** One stretch of input: what was read in it and what became of each event. */
export interface Stretch {
  /** The input position of its last event (0 while it has none). */
  last: number;
  readonly counts: ImportCounts;
  /** Its rejected events, with their positions (to write them in input order). */
  readonly rejects: { position: number; line: RejectLine }[];
  answered: boolean;
}

export const noCounts = (): ImportCounts => ({ read: 0, created: 0, alreadyPresent: 0, rejected: 0 });

function add(into: ImportCounts, more: ImportCounts): void {
  into.read += more.read;
  into.created += more.created;
  into.alreadyPresent += more.alreadyPresent;
  into.rejected += more.rejected;
}

export class ImportLedger {
  private readonly stretches: Stretch[] = [];
  /** Every event up to this position is committed. */
  position: number;
  /** The committed counts: of the whole import, earlier runs included. */
  readonly counts: ImportCounts;

  /** @param start what earlier runs committed (a checkpoint), or nothing. */
  constructor(
    start: { position: number; counts: ImportCounts },
    private readonly rejects: RejectsWriter,
  ) {
    this.position = start.position;
    this.counts = { ...start.counts };
  }

  /** Starts the next stretch: the events read from now on belong to it, until the next one starts. */
  begin(): Stretch {
    const stretch: Stretch = { last: 0, counts: noCounts(), rejects: [], answered: false };
    this.stretches.push(stretch);
    return stretch;
  }

  /**
   * Every event of `stretch` has its outcome: commits it, and the answered stretches after it, as
   * far as the first one still waiting. Throws when the rejects file cannot be written; what was
   * committed before stays committed, and nothing more is.
   */
  answered(stretch: Stretch): void {
    stretch.answered = true;
    for (let head = this.stretches[0]; head?.answered; head = this.stretches[0]) {
      this.rejects.write(head.rejects.sort((a, b) => a.position - b.position).map((r) => r.line));
      this.stretches.shift();
      add(this.counts, head.counts);
      if (head.last > 0) this.position = head.last;
    }
  }

  /** The counts with the stretches not committed yet, for progress lines. */
  live(): ImportCounts {
    const counts = { ...this.counts };
    for (const stretch of this.stretches) add(counts, stretch.counts);
    return counts;
  }
}
