/** The measurements a `--vs-prism` round makes on each target: batches at each connection count, single creates. */
import { BATCH_PATH, SINGLE_PATH } from './bodies.js';
import { type LoadResult, runLoad } from './load.js';
import { ACCESS_TOKEN } from './ours.js';
import { runSequential } from './sequential.js';

export interface Scenario {
  label: string;
  kind: 'batch' | 'single';
  run(url: string): Promise<LoadResult>;
}

export interface ScenarioOptions {
  batchSize: number;
  connections: number[];
  duration: number;
}

export function batchScenario(o: ScenarioOptions, bodies: string[], connections: number): Scenario {
  return {
    label: `batch x${o.batchSize}, ${connections} conn`,
    kind: 'batch',
    run: (url) =>
      runLoad({
        url,
        path: BATCH_PATH,
        bodies,
        eventsPerRequest: o.batchSize,
        connections,
        duration: o.duration,
        token: ACCESS_TOKEN,
      }),
  };
}

export function singleScenario(o: ScenarioOptions, bodies: string[]): Scenario {
  return {
    label: 'single create, 1 conn',
    kind: 'single',
    run: (url) =>
      runSequential({
        url,
        path: SINGLE_PATH,
        bodies,
        eventsPerRequest: 1,
        duration: o.duration,
        token: ACCESS_TOKEN,
      }),
  };
}

export function scenarios(o: ScenarioOptions, batches: string[], singles: string[]): Scenario[] {
  return [...o.connections.map((c) => batchScenario(o, batches, c)), singleScenario(o, singles)];
}

/** Fixed-width `label target` column of the printed lines. */
export const columns = (s: Scenario, target: string): string => `${s.label.padEnd(24)} ${target.padEnd(5)}`;
