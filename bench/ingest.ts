/**
 * Batch ingestion benchmark.
 *
 * Default: starts our server (a fresh SQLite file, or --db) and the reference (bare node:http + JSON,
 * storing nothing) as child processes, drives each with the same load — batches of --batch events
 * with tokens and extraData, emails drawn from a pool of --pool, --connections concurrent connections
 * for --duration seconds, --rounds alternating rounds (default 1) — and prints events/s, p50 and p99
 * latency per round, their medians and the ratio ours/reference.
 *
 * --vs-prism: our server side by side with Stoplight Prism (installed on first use into bench/.prism);
 * see bench/lib/vs-prism.ts and bench/README.md. --rounds defaults to 3 there, --connections to
 * "10,50", and --preload (default 1000000) events are stored before a last measurement.
 *
 *   npm run bench:ingest -- [--db postgres://postgres@127.0.0.1:5432/bench] [--duration 10] [--connections 10]
 *   npm run bench:ingest -- --vs-prism [--rounds 3] [--duration 10] [--preload 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BATCH_PATH, batchBodies } from './lib/bodies.js';
import { type LoadResult, runLoad } from './lib/load.js';
import { ACCESS_TOKEN, createTemplate, startOurs } from './lib/ours.js';
import { peakRssMb, startProcess } from './lib/processes.js';
import { formatResult, ratio, summarize } from './lib/stats.js';
import { runVsPrism } from './lib/vs-prism.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string' },
    batch: { type: 'string', default: '100' },
    pool: { type: 'string', default: '100000' },
    rounds: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    'vs-prism': { type: 'boolean', default: false },
    preload: { type: 'string', default: '1000000' },
    starts: { type: 'string', default: '3' },
  },
});

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

const duration = positive('duration', args.duration);
const batchSize = positive('batch', args.batch);
const poolSize = positive('pool', args.pool);

async function againstReference(): Promise<void> {
  const connections = positive('connections', args.connections ?? '10');
  const rounds = positive('rounds', args.rounds ?? '1');
  const scratch = mkdtempSync(join(tmpdir(), 'timeline-bench-'));
  const db = args.db ?? join(scratch, 'bench.db');
  console.log(
    `ingest: ${batchSize}-event batches, ${connections} connections, ${duration} s a round, ${rounds} round(s), email pool ${poolSize}, db ${db}`,
  );
  const ours = await startOurs(db);
  const reference = args['no-reference']
    ? undefined
    : await startProcess(process.execPath, [join(import.meta.dirname, 'reference-server.js')]);
  try {
    const templateId = await createTemplate(ours.url);
    const bodies = batchBodies(templateId, batchSize, poolSize);
    const load = (url: string) =>
      runLoad({
        url,
        path: BATCH_PATH,
        bodies,
        eventsPerRequest: batchSize,
        connections,
        duration,
        token: ACCESS_TOKEN,
      });
    const results: { ours: LoadResult[]; reference: LoadResult[] } = { ours: [], reference: [] };
    for (let round = 1; round <= rounds; round++) {
      const mine = await load(ours.url);
      results.ours.push(mine);
      console.log(`round ${round}  ours       ${formatResult(mine)}`);
      if (reference) {
        const theirs = await load(reference.url);
        results.reference.push(theirs);
        console.log(`round ${round}  reference  ${formatResult(theirs)}`);
      }
    }
    const mine = summarize(results.ours);
    console.log(
      `\nmedian  ours       ${formatResult(mine)}   peak RSS ${(await peakRssMb(ours.child.pid))?.toFixed(0) ?? '?'} MB`,
    );
    if (reference) {
      const theirs = summarize(results.reference);
      console.log(`median  reference  ${formatResult(theirs)}   (bare node:http + JSON, stores nothing)`);
      console.log(`ratio ours/reference: ${ratio(mine.eventsPerSecond, theirs.eventsPerSecond)}`);
    }
  } finally {
    await ours.stop();
    await reference?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (args['vs-prism']) {
  if (args.db)
    throw new Error('--vs-prism measures our server on fresh SQLite files; --db is not supported with it');
  const ok = await runVsPrism({
    duration,
    rounds: positive('rounds', args.rounds ?? '3'),
    batchSize,
    poolSize,
    connections: (args.connections ?? '10,50').split(',').map((c) => positive('connections', c.trim())),
    preload: positive('preload', args.preload),
    starts: positive('starts', args.starts),
  });
  if (!ok) process.exitCode = 1;
} else {
  await againstReference();
}
