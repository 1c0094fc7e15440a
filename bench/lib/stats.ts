/** Medians, percentiles and the fixed-width lines the benchmarks print. */
import { failureCount, type LoadResult } from './load.js';

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The `p`th percentile of ascending `sorted` values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Medians of events/s and latencies over rounds; failures and errors summed. */
export function summarize(rounds: LoadResult[]): LoadResult {
  const failures: Record<string, number> = {};
  for (const round of rounds)
    for (const [status, count] of Object.entries(round.failures))
      failures[status] = (failures[status] ?? 0) + count;
  return {
    eventsPerSecond: median(rounds.map((r) => r.eventsPerSecond)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    failures,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}

const ms = (value: number, width: number): string =>
  (Number.isInteger(value) ? String(value) : value.toFixed(2)).padStart(width);

export function formatFailures(r: Pick<LoadResult, 'failures' | 'errors'>): string {
  if (failureCount(r) === 0) return '';
  const statuses = Object.entries(r.failures).map(([status, count]) => `${count} x ${status}`);
  return `   (NOT 201: ${[...statuses, `${r.errors} errors`].join(', ')})`;
}

export function formatResult(r: LoadResult): string {
  return `${Math.round(r.eventsPerSecond).toString().padStart(8)} events/s   p50 ${ms(r.p50, 6)} ms   p99 ${ms(r.p99, 7)} ms${formatFailures(r)}`;
}

export const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');
