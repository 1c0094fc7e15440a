/**
 * CPU per stored event of each of our server's threads, for a fixed amount of work: `--requests`
 * batches of `--batch` events at `--connections`, on a fresh SQLite file each round. A fixed amount
 * of work (not a fixed time) makes the figure comparable between builds on a busy machine, where
 * events/s swing with the load: give `--compare` another build's `dist/src/cli/main.js` and the
 * rounds alternate between the two, in the same minutes.
 *
 *   npm run build && node dist/bench/request-cpu.js [--requests 3000] [--rounds 5] [--compare /tmp/old/dist/src/cli/main.js]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchArgs } from './lib/args.js';
import { BATCH_PATH, batchBodies } from './lib/bodies.js';
import { spent, threadSeconds } from './lib/cpu.js';
import { ACCESS_TOKEN, createTemplate, startOurs } from './lib/ours.js';
import { peakRssMb } from './lib/processes.js';
import { median } from './lib/stats.js';

const args = benchArgs(
  import.meta.url,
  "CPU per stored event of each of our server's threads for a fixed amount of work; --compare another build.",
  {
    requests: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '100' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    compare: { type: 'string' },
  },
);
const requests = Number(args.requests);
const batch = Number(args.batch);
const connections = Number(args.connections);
const rounds = Number(args.rounds);
const THIS_BUILD = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const builds = [{ label: 'this build', entry: THIS_BUILD }];
if (args.compare) builds.push({ label: 'compared', entry: args.compare });

interface Sample {
  main: number;
  writer: number;
  rest: number;
  eventsPerSecond: number;
  /** Request latency, ms (autocannon's resolution is 1 ms). */
  p99: number;
  peakMb: number | undefined;
}

async function measure(entry: string): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'request-cpu-'));
  const server = await startOurs(join(dir, 'bench.db'), 'off', entry);
  try {
    const bodies = batchBodies(await createTemplate(server.url), batch, 100_000);
    const pid = server.child.pid as number;
    let next = 0;
    const before = threadSeconds(pid);
    // Wall time of our own: autocannon's `duration` is whole seconds plus a little.
    const started = performance.now();
    const result = await autocannon({
      url: `${server.url}${BATCH_PATH}`,
      method: 'POST',
      connections,
      amount: requests,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ACCESS_TOKEN}` },
      requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
    });
    const seconds = (performance.now() - started) / 1000;
    const threads = spent(before, threadSeconds(pid));
    const created = result.statusCodeStats?.['201']?.count ?? 0;
    if (created !== requests) throw new Error(`${entry}: ${created} of ${requests} requests answered 201`);
    const events = created * batch;
    const main = threads.get(String(pid)) ?? 0;
    const others = [...threads].filter(([tid]) => tid !== String(pid)).map(([, s]) => s);
    const writer = Math.max(0, ...others);
    const rest = others.reduce((sum, s) => sum + s, 0) - writer;
    const us = (seconds: number) => (seconds * 1e6) / events;
    return {
      main: us(main),
      writer: us(writer),
      rest: us(rest),
      eventsPerSecond: events / seconds,
      p99: result.latency.p99,
      peakMb: await peakRssMb(pid),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (label: string, s: Sample) =>
  `${label.padEnd(12)} main ${s.main.toFixed(1).padStart(5)} us  writer ${s.writer.toFixed(1).padStart(5)} us  rest ${s.rest
    .toFixed(1)
    .padStart(
      5,
    )} us  per event   ${Math.round(s.eventsPerSecond).toString().padStart(6)} events/s  p99 ${String(s.p99).padStart(3)} ms  peak ${s.peakMb === undefined ? '?' : Math.round(s.peakMb)} MB`;

console.log(
  `request-cpu: ${requests} requests of ${batch} events, ${connections} connections, ${rounds} round(s), fresh SQLite file each`,
);
const samples = new Map<string, Sample[]>(builds.map((b) => [b.label, []]));
for (let round = 1; round <= rounds; round++) {
  // Alternate which build goes first, so neither always meets the same machine state.
  const order = round % 2 === 1 ? builds : [...builds].reverse();
  for (const build of order) {
    const sample = await measure(build.entry);
    samples.get(build.label)?.push(sample);
    console.log(`round ${round}  ${line(build.label, sample)}`);
  }
}
console.log('');
for (const [label, list] of samples) {
  const pick = (f: (s: Sample) => number) => median(list.map(f));
  console.log(
    `median  ${line(label, {
      main: pick((s) => s.main),
      writer: pick((s) => s.writer),
      rest: pick((s) => s.rest),
      eventsPerSecond: pick((s) => s.eventsPerSecond),
      p99: pick((s) => s.p99),
      peakMb: Math.max(...list.map((s) => s.peakMb ?? 0)),
    })}`,
  );
}
