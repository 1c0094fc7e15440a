/**
 * What `bench:ingest` looks at between rounds on our server: how fast `/_health` answers while the
 * server catches up on what the round left (its record index), and on SQLite the size of the WAL.
 */
import { statSync } from 'node:fs';

/** The slowest of `count` sequential `GET /_health` answers, in ms (a timeout counts as its limit). */
export async function slowestHealth(url: string, count = 20, timeoutMs = 5_000): Promise<number> {
  let slowest = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    try {
      const response = await fetch(`${url}/_health`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
    } catch {
      return timeoutMs;
    }
    slowest = Math.max(slowest, performance.now() - started);
  }
  return slowest;
}

/** The size of a SQLite file's WAL in MB (0 when it has none, or the database is not a file). */
export function walMb(db: string): number {
  try {
    return statSync(`${db}-wal`).size / 1_048_576;
  } catch {
    return 0;
  }
}
