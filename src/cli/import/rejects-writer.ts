/**
 * The rejects file: one NDJSON line per event that was not stored, with its input line, the event
 * as sent, and why. Fixing the lines and importing the rejects file is the way to retry them.
 * Writes wait for the stream to drain, so a flood of rejects cannot grow memory.
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

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
  private readonly stream: WriteStream | undefined;

  constructor(path: string | undefined, append: boolean) {
    this.stream = path === undefined ? undefined : createWriteStream(path, { flags: append ? 'a' : 'w' });
  }

  async write(reject: RejectLine): Promise<void> {
    if (!this.stream) return;
    if (!this.stream.write(`${JSON.stringify(reject)}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    const stream = this.stream;
    await new Promise<void>((resolve, reject) =>
      stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}
