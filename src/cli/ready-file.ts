/**
 * `serve --ready-file <path>`: once the server listens, `{"url": "http://HOST:PORT", "pid": n}` is
 * written to the path, so a test suite in any language that started it as a subprocess (with
 * `--port 0`) reads where it listens without parsing a log line. The file appears whole (written
 * beside it, then renamed into place), a stale one is removed at start, and it goes when the
 * server stops.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Removes a file left by an earlier run, so a reader never takes its address for this one's. */
export function clearReadyFile(path: string): void {
  rmSync(path, { force: true });
}

export function writeReadyFile(path: string, url: string): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify({ url, pid: process.pid })}\n`);
  renameSync(partial, path);
}

export function removeReadyFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Stopping goes on: a file that cannot be removed says nothing about the server.
  }
}
