/**
 * The rejects file: one NDJSON line per event that was not stored, with its input line, the event
 * as sent, and why. Fixing the lines and importing the rejects file is the way to retry them.
 *
 * Lines are written synchronously, a stretch of input at a time, so that once `write` returns they
 * are in the file (a SIGKILL cannot lose them) and `bytes` says how much of the file they fill: the
 * checkpoint records that length, and a resumed import cuts the file back to it, dropping the lines
 * of events after the checkpoint, which the resumed run rejects again. A failed write (a full disk)
 * fails the import instead of losing the line, and nothing more is written after it.
 */
import { closeSync, fstatSync, ftruncateSync, writeSync } from 'node:fs';
import { openForWriting, writeFailure } from '../output-file.js';

export interface RejectError {
  /** `local`: refused by the check before sending; `server`: refused by the target. */
  source: 'local' | 'server' | 'input';
  message: string;
  status?: number;
  category?: string;
  errors?: unknown[];
}

export interface RejectLine {
  line: number;
  /** For a JSON array input: the element's index (from 1). */
  index?: number;
  event?: unknown;
  /** Always set before the line is written. */
  error?: RejectError;
}

const FLAG = '--rejects';

export class RejectsWriter {
  private readonly fd: number;
  /** Bytes of the file that hold whole lines this import wrote (its earlier runs' included). */
  bytes: number;
  private failure: Error | undefined;

  /**
   * Opens the file at once, so a path that cannot be written fails before any event is sent.
   * @param keep for a resumed import, the length the checkpoint recorded: the file is cut back to
   *   it and continued; otherwise the file is started afresh.
   */
  constructor(
    readonly path: string,
    keep?: number,
  ) {
    this.fd = openForWriting(path, FLAG, keep !== undefined);
    this.bytes = 0;
    if (keep === undefined) return;
    // Only a regular file can be cut (a FIFO or /dev/stderr has no length to go back to).
    if (fstatSync(this.fd).isFile()) ftruncateSync(this.fd, keep);
    this.bytes = keep;
  }

  /** Appends the lines; they are in the file when it returns. Throws (for good) once a write failed. */
  write(lines: readonly RejectLine[]): void {
    if (this.failure) throw this.failure;
    if (lines.length === 0) return;
    const data = Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    try {
      for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done);
    } catch (error) {
      // Part of the text may be in the file: `bytes` stays before it, and nothing follows it.
      this.failure = writeFailure(this.path, FLAG, error as Error);
      throw this.failure;
    }
    this.bytes += data.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
