/**
 * The steady-state summary of `bench:ingest`: one server kept running on one database across the
 * rounds, so each round lands on everything the rounds before it stored. Prints whether the last
 * round kept pace with the first, and, against each other target of the same alternating rounds,
 * the ratio of events/s and of p99 in every round and their medians.
 */
import type { LoadResult } from './load.js';
import { median } from './stats.js';

export interface TargetRounds {
  label: string;
  rounds: LoadResult[];
}

const fixed = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
const divide = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

/** Last round's events/s over the first's (the target is 0.90 or more). */
export function lastOverFirst(rounds: LoadResult[]): number {
  const first = rounds[0];
  const last = rounds[rounds.length - 1];
  return first && last ? divide(last.eventsPerSecond, first.eventsPerSecond) : Number.NaN;
}

export function printSteadyState(ours: TargetRounds, others: TargetRounds[], fresh: boolean): void {
  console.log('');
  console.log(
    fresh
      ? `--fresh: ${ours.label} started on an empty database before every round`
      : `steady state: one ${ours.label} server on one database for all ${ours.rounds.length} rounds`,
  );
  console.log(
    `  ${ours.label} last/first round events/s: ${fixed(lastOverFirst(ours.rounds))} (target >= 0.90)`,
  );
  for (const other of others) {
    const n = Math.min(ours.rounds.length, other.rounds.length);
    const events: number[] = [];
    const p99: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = ours.rounds[i] as LoadResult;
      const b = other.rounds[i] as LoadResult;
      events.push(divide(a.eventsPerSecond, b.eventsPerSecond));
      p99.push(divide(a.p99, b.p99));
    }
    console.log(
      `  ${ours.label}/${other.label} by round: events/s ${events.map(fixed).join(' ')}; p99 ${p99.map(fixed).join(' ')}`,
    );
    console.log(
      `  ${ours.label}/${other.label}: events/s median ${fixed(median(events))}; p99 median ${fixed(median(p99))}, worst ${fixed(Math.max(...p99))}`,
    );
  }
}
