/**
 * The small fuzz run of every `npm test`: a few thousand generated requests over every
 * route, in process. The full run is `npm run fuzz` (FUZZ_RUNS=100000); both print their seed, and
 * FUZZ_SEED=<seed> replays one.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { buildFuzzWorld, type FuzzWorld } from './fuzz-world.js';
import { fuzzRoutes, fuzzSeed } from './route-fuzzer.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
let world: FuzzWorld;

before(async () => {
  world = await buildFuzzWorld();
});

after(async () => {
  await world?.close();
});

it(`${RUNS} generated requests over every route: no 5xx, no hang, every 4xx in HubSpot's envelope`, async () => {
  const seed = fuzzSeed();
  const report = await fuzzRoutes(world, { runs: RUNS, seed });
  console.log(
    `fuzz: seed ${report.seed}, ${report.tried} inputs, ${report.failures} failures, ${report.seconds} s`,
  );
  assert.equal(report.failures, 0, report.counterexample);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
