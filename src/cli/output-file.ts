/**
 * The files a command writes (an export's output, an import's rejects and checkpoint), checked
 * before any work starts: a path that cannot be written (a folder, a missing folder, no permission)
 * is a usage error that names the flag, not a stack trace after events were already sent.
 */
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, rmSync, statSync } from 'node:fs';
import { usageError } from './cli-error.js';

const FIX = 'give the path of a file in a folder that exists and that you can write to';

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOENT') return 'its folder does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

export interface OutputFile {
  /** Writes `text`, waiting for the stream to drain; rejects once writing the file has failed. */
  write(text: string): Promise<void>;
  /** Ends the file; rejects with the first error writing it met (a full disk, say). */
  close(): Promise<void>;
}

/**
 * Opens `path` for writing (or appending): its descriptor, or a usage error naming `flag`. A file
 * it creates is readable by its owner only (0600), as the database is: it holds customer data.
 */
export function openForWriting(path: string, flag: string, append: boolean): number {
  try {
    return openSync(path, append ? 'a' : 'w', 0o600);
  } catch (error) {
    throw usageError(`cannot write ${flag} '${path}': ${reason(error)}`, FIX);
  }
}

/** The error of a write to `path` that failed (a full disk, say), naming `flag`. */
export function writeFailure(path: string, flag: string, error: Error): Error {
  return new Error(`writing ${flag} '${path}' failed: ${error.message}`);
}

/** Opens `path` for writing (or appending) now, so a path that cannot be written fails at once. */
export function openOutputFile(path: string, flag: string, append = false): OutputFile {
  const fd = openForWriting(path, flag, append);
  const stream = createWriteStream(path, { fd });
  // Kept, not thrown from an event. A failed stream is destroyed and emits nothing more (not
  // 'drain', not 'error' again), so every later write and the close check it first.
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  const failed = (): Error | undefined =>
    failure ?? stream.errored ?? (stream.destroyed ? new Error(`${path} was closed`) : undefined);
  return {
    write: async (text) => {
      const before = failed();
      if (before) throw writeFailure(path, flag, before);
      if (stream.write(text)) return;
      try {
        await once(stream, 'drain');
      } catch (error) {
        throw writeFailure(path, flag, error as Error);
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        const settle = (error?: Error | null) => {
          const cause = error ?? failed();
          if (cause) reject(writeFailure(path, flag, cause));
          else resolve();
        };
        if (stream.destroyed) settle();
        else stream.end(settle);
      }),
  };
}

/**
 * Checks that a file written later by replacing it (write `temporary`, rename onto `path`) can be:
 * `path` is not a folder, and `temporary` can be made (and is removed again).
 */
export function checkReplaceableFile(path: string, temporary: string, flag: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`cannot write ${flag} '${path}': it is a folder`, FIX);
  }
  try {
    closeSync(openSync(temporary, 'w'));
    rmSync(temporary, { force: true });
  } catch (error) {
    throw usageError(`cannot write ${flag} '${path}': ${reason(error)}`, FIX);
  }
}
