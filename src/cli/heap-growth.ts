/**
 * How far the `serve` process lets V8's old generation grow between full collections.
 *
 * Under batch ingestion the HTTP thread promotes about 17 MB/s of short-lived data (a parsed batch
 * lives until its commit, past two scavenges), and V8's default growing factor, chosen dynamically up
 * to 4x, let the old space reach ~150 MB before a full collection that kept ~50 MB: a peak resident
 * size of 305-316 MB. A fixed growth of 50% past what survived the last full collection keeps the
 * peak at 221-233 MB for the same events/s (`bench/HISTORY.md`, round four).
 *
 * Set only by `serve`, whose process is ours; `startServer` runs inside a user's own process (their
 * test runner) and leaves its heap alone. A `--heap-growing-percent` given to node itself wins.
 * (V8 reads this flag whenever it sets its next limit, so setting it at start-up takes effect.)
 */
import { setFlagsFromString } from 'node:v8';

const GROWING_PERCENT = 50;

export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return;
  setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
}
