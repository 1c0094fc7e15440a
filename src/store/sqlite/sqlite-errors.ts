/**
 * better-sqlite3's failures as the store's own errors (`domain/store-errors.ts`), so that nothing
 * above the store sees an `SQLITE_*` code: a busy, full or failing disk is "unavailable" (503, retry
 * later), a file that is not a database is "corrupt", and a path that cannot be opened says which
 * path, why, and what to do.
 */
import { statSync } from 'node:fs';
import {
  StoreCannotOpenError,
  StoreCorruptError,
  StoreError,
  StoreUnavailableError,
} from '../../domain/store-errors.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The store's error for a failure while opening `path` (the constructor and the first statements). */
export function translateSqliteOpenError(error: unknown, path: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = codeOf(error);
  const cause = messageOf(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreCorruptError(
      `cannot open the SQLite database ${path}: ${cause}. Point --db at a SQLite file of this server, or at a path that does not exist yet`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreCannotOpenError(
      `cannot open the SQLite database ${path}: another process holds it (one timeline-server per SQLite file: stop the other server, choose another --db, or use PostgreSQL to run several processes on one database)`,
      { cause: error },
    );
  }
  const fsCode = isDirectory(path)
    ? 'EISDIR'
    : code || (/EISDIR|EACCES|EROFS|ENOENT|ENOTDIR/.exec(cause)?.[0] ?? '');
  const fixes: Record<string, string> = {
    EISDIR: 'it is a directory; name a file inside it, for example --db ./data/timeline.db',
    EACCES: 'permission denied; choose a path the server may write, or fix its permissions',
    EROFS: 'the file system is read-only; choose a writable path',
    ENOTDIR: 'a part of the path is a file, not a directory; choose another path',
    ENOENT: 'its folder does not exist and cannot be created there; choose a path in a writable folder',
  };
  const fix =
    fixes[fsCode] ??
    (code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_IOERR')
      ? 'check that the path is a writable file (not a directory) in a writable folder'
      : 'check the --db setting');
  return new StoreCannotOpenError(`cannot open the SQLite database ${path}: ${cause} (${fix})`, {
    cause: error,
  });
}

/** The store's error for a failure of a running store, or the failure itself when it is a bug. */
export function translateSqliteError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = codeOf(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new StoreUnavailableError(`SQLite cannot write now: ${messageOf(error)}`, { cause: error });
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreCorruptError(`the SQLite database is damaged: ${messageOf(error)}`, { cause: error });
  }
  return error;
}
