/**
 * The checkpoint of an import: the input position up to which every event has been answered
 * (stored, already present, or rejected), with the counts so far. Batches finish out of order when
 * several are in flight, so the position only moves past a batch once every earlier one is done.
 * Written atomically (temporary file, then rename): a kill at any moment leaves the last good one.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { usageError } from '../cli-error.js';
import { checkReplaceableFile } from '../output-file.js';

export interface ImportCounts {
  read: number;
  created: number;
  alreadyPresent: number;
  rejected: number;
}

export interface CheckpointData {
  version: 1;
  /** The id source the stable ids were derived from: a resume must derive the same ones. */
  idSource: string;
  input: string;
  /** Every event at or before this position is done. */
  position: number;
  complete: boolean;
  counts: ImportCounts;
  updatedAt: string;
}

export function readCheckpoint(path: string): CheckpointData | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let data: CheckpointData;
  try {
    data = JSON.parse(text) as CheckpointData;
  } catch {
    throw usageError(
      `the checkpoint file '${path}' is not JSON (was it edited or cut short?)`,
      'delete it and run the import again without --resume: stable ids make a full re-run safe',
    );
  }
  if (data.version !== 1 || typeof data.position !== 'number') {
    throw usageError(
      `the checkpoint file '${path}' is not one this version writes`,
      'delete it and run the import again without --resume: stable ids make a full re-run safe',
    );
  }
  return data;
}

/** Where a checkpoint is written before it is renamed onto its path. */
const temporaryOf = (path: string): string => `${path}.tmp`;

/** Before an import starts: a checkpoint path that could not be written is refused (exit 2). */
export function checkCheckpointPath(path: string): void {
  checkReplaceableFile(path, temporaryOf(path), '--checkpoint');
}

export function writeCheckpoint(path: string, data: CheckpointData): void {
  const temporary = temporaryOf(path);
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temporary, path);
}

/** Tracks which stretches of input are done, in input order. */
export class DoneTracker {
  private readonly segments: { last: number; done: boolean }[] = [];
  /** Every position up to this one is done. */
  position: number;

  constructor(start: number) {
    this.position = start;
  }

  /** Opens the stretch of input up to `last`; call `finish` on the returned handle once answered. */
  open(last: number): { finish(): void } {
    const segment = { last, done: false };
    this.segments.push(segment);
    return {
      finish: () => {
        segment.done = true;
        while (this.segments[0]?.done) this.position = (this.segments.shift() as { last: number }).last;
      },
    };
  }
}
