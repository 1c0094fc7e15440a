/**
 * The checkpoint of an import: the input position up to which every event has been answered
 * (stored, already present, or rejected), the counts of those events, and the length of the
 * rejects file that holds their rejects (the three always of one prefix of the input: see
 * import-ledger.ts). Written atomically (temporary file, then rename): a kill at any moment leaves
 * the last good one.
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
  version: 2;
  /** The id source the stable ids were derived from: a resume must derive the same ones. */
  idSource: string;
  input: string;
  /** Every event at or before this position is done. */
  position: number;
  complete: boolean;
  /** The counts of the events up to `position`, of every run of this import. */
  counts: ImportCounts;
  /** The rejects file (absolute path) and the bytes of it that hold the rejects up to `position`. */
  rejects: { path: string; bytes: number };
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
  if (data.version !== 2 || typeof data.position !== 'number' || typeof data.rejects?.bytes !== 'number') {
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
