/**
 * The full fuzz run: `npm run fuzz` sends FUZZ_RUNS (default 100,000) generated requests
 * over every route and prints the seed, the inputs tried, the failures and the time. FUZZ_SEED
 * replays a run; exit code 1 when a request broke the property (its counterexample is printed).
 */
import { buildFuzzWorld } from './fuzz-world.js';
import { fuzzRoutes, fuzzSeed } from './route-fuzzer.js';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = fuzzSeed();
console.log(`fuzz: ${runs} runs, seed ${seed} (replay with FUZZ_SEED=${seed})`);
const world = await buildFuzzWorld();
try {
  const report = await fuzzRoutes(world, { runs, seed });
  console.log(
    `fuzz: routes ${world.server.app.routeTable.length}, inputs tried ${report.tried}, failures ${report.failures}, ${report.seconds} s`,
  );
  if (report.counterexample) console.log(report.counterexample);
  process.exitCode = report.failures === 0 ? 0 : 1;
} finally {
  await world.close();
}
