/**
 * CPU time a process spends, per thread, read from /proc (Linux): utime + stime in clock ticks
 * (100 per second). Used by `bench:ingest --cpu` for the CPU cost per event of our server's threads
 * and of the PostgreSQL backends serving it (docs/scaling.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

const TICKS_PER_SECOND = 100;

function ticksOf(statPath: string): number {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // exited meanwhile
  }
}

/** CPU seconds of each thread of `pid`, by thread id. */
export function threadSeconds(pid: number): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`))
    seconds.set(tid, ticksOf(`/proc/${pid}/task/${tid}/stat`) / TICKS_PER_SECOND);
  return seconds;
}

/** CPU seconds of each PostgreSQL backend whose connection has this application_name, by pid. */
export async function backendSeconds(
  admin: Pick<pg.Client, 'query'> | Pick<pg.Pool, 'query'>,
  applicationName: string,
): Promise<Map<string, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  return new Map(rows.map(({ pid }) => [String(pid), ticksOf(`/proc/${pid}/stat`) / TICKS_PER_SECOND]));
}

/** Per key, the CPU seconds spent between two readings (a key absent before started meanwhile). */
export function spent(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [key, seconds] of after) delta.set(key, seconds - (before.get(key) ?? 0));
  return delta;
}

/** Adds `more` into `total`, key by key. */
export function accumulate(total: Map<string, number>, more: Map<string, number>): void {
  for (const [key, seconds] of more) total.set(key, (total.get(key) ?? 0) + seconds);
}

/**
 * Our server's CPU per event in microseconds: the main (HTTP) thread, the busiest other thread (the
 * SQLite thread, when there is one) and the rest (V8's and libuv's helpers).
 */
export function describeServerCpu(pid: number, threads: Map<string, number>, events: number): string {
  const us = (seconds: number) => ((seconds * 1e6) / events).toFixed(1);
  const main = threads.get(String(pid)) ?? 0;
  const others = [...threads].filter(([tid]) => tid !== String(pid)).map(([, s]) => s);
  const busiest = Math.max(0, ...others);
  const rest = others.reduce((sum, s) => sum + s, 0) - busiest;
  const total = main + busiest + rest;
  return `server CPU per event ${us(total)} us (main thread ${us(main)}, busiest other thread ${us(busiest)}, rest ${us(rest)})`;
}
