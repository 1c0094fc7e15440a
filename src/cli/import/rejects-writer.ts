/**
 * The rejects file: one NDJSON line per event that was not stored, with its input line, the event
 * as sent, and why. Fixing the lines and importing the rejects file is the way to retry them.
 * Writes wait for the stream to drain, so a flood of rejects cannot grow memory; a failed write
 * (a full disk) fails the import instead of losing the line.
 */

import { type OutputFile, openOutputFile } from '../output-file.js';

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

export class RejectsWriter {
  private readonly file: OutputFile | undefined;

  /** Opens the file at once: a path that cannot be written fails before any event is sent. */
  constructor(path: string | undefined, append: boolean) {
    this.file = path === undefined ? undefined : openOutputFile(path, '--rejects', append);
  }

  async write(reject: RejectLine): Promise<void> {
    await this.file?.write(`${JSON.stringify(reject)}\n`);
  }

  async close(): Promise<void> {
    await this.file?.close();
  }
}
