/**
 * Batch ingestion benchmark. Starts our server (a fresh SQLite file by default, or --db) and the
 * reference (bare node:http + JSON, storing nothing) as child processes, drives each with the same
 * load — batches of --batch events with tokens and extraData, emails drawn from a pool of --pool,
 * --connections concurrent connections for --duration seconds, --rounds alternating rounds — and
 * prints events/s, p50 and p99 latency per round, their medians and the ratio ours/reference.
 *
 *   npm run bench:ingest -- [--db postgres://postgres@127.0.0.1:5432/bench] [--duration 10] [--connections 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { peakRssMb, type ServerProcess, startProcess } from './lib/processes.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    batch: { type: 'string', default: '100' },
    pool: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '1' },
    'no-reference': { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const batchSize = Number(args.batch);
const poolSize = Number(args.pool);
const rounds = Number(args.rounds);

const API = '/integrators/timeline/v3';
const ENTRY = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');

interface Round {
  eventsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** A request body: `batchSize` events for random emails of the pool. */
function batchBody(templateId: string): string {
  const inputs = [];
  for (let i = 0; i < batchSize; i++) {
    const n = Math.floor(Math.random() * poolSize);
    inputs.push({
      eventTemplateId: templateId,
      email: `person-${n}@example.com`,
      tokens: { webinarName: `Webinar ${n % 50}`, seats: String(n % 9), tier: n % 2 ? 'paid' : 'free' },
      extraData: { source: 'bench', questions: [{ question: 'Why?', answer: `Because ${n}` }] },
    });
  }
  return JSON.stringify({ inputs });
}

async function load(url: string, bodies: string[], token: string): Promise<Round> {
  let next = 0;
  const result = await autocannon({
    url: `${url}${API}/events/batch/create`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
  return {
    eventsPerSecond:
      result.requests.average * batchSize * (result['2xx'] / Math.max(1, result.requests.total)) || 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function startOurs(dbPath: string): Promise<ServerProcess> {
  return startProcess(process.execPath, [
    ENTRY,
    'serve',
    '--port',
    '0',
    '--db',
    dbPath,
    '--portal-id',
    '101',
    '--app-id',
    '202',
    '--access-token',
    'bench-token',
    '--developer-api-key',
    'bench-key',
    '--log-level',
    'silent',
  ]);
}

async function createTemplate(url: string): Promise<string> {
  const response = await fetch(`${url}${API}/202/event-templates?hapikey=bench-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `Bench ${Date.now()}`,
      headerTemplate: 'Registered for {{webinarName}}',
      tokens: [
        { name: 'webinarName', label: 'Webinar', type: 'string', objectPropertyName: 'last_webinar' },
        { name: 'seats', label: 'Seats', type: 'number' },
        {
          name: 'tier',
          label: 'Tier',
          type: 'enumeration',
          options: [
            { label: 'Free', value: 'free' },
            { label: 'Paid', value: 'paid' },
          ],
        },
      ],
    }),
  });
  if (response.status !== 201)
    throw new Error(`template create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const format = (r: Round) =>
  `${Math.round(r.eventsPerSecond).toString().padStart(8)} events/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(5)} ms${r.errors || r.non2xx ? `   (${r.errors} errors, ${r.non2xx} non-2xx)` : ''}`;

async function main(): Promise<void> {
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
    const bodies = Array.from({ length: 200 }, () => batchBody(templateId));
    const results: { ours: Round[]; reference: Round[] } = { ours: [], reference: [] };
    for (let round = 1; round <= rounds; round++) {
      const mine = await load(ours.url, bodies, 'bench-token');
      results.ours.push(mine);
      console.log(`round ${round}  ours       ${format(mine)}`);
      if (reference) {
        const theirs = await load(reference.url, bodies, 'bench-token');
        results.reference.push(theirs);
        console.log(`round ${round}  reference  ${format(theirs)}`);
      }
    }
    const summary = (list: Round[]): Round => ({
      eventsPerSecond: median(list.map((r) => r.eventsPerSecond)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      errors: list.reduce((n, r) => n + r.errors, 0),
      non2xx: list.reduce((n, r) => n + r.non2xx, 0),
    });
    const mine = summary(results.ours);
    console.log(
      `\nmedian  ours       ${format(mine)}   peak RSS ${(await peakRssMb(ours.child.pid))?.toFixed(0) ?? '?'} MB`,
    );
    if (reference) {
      const theirs = summary(results.reference);
      console.log(`median  reference  ${format(theirs)}   (bare node:http + JSON, stores nothing)`);
      console.log(`ratio ours/reference: ${(mine.eventsPerSecond / theirs.eventsPerSecond).toFixed(2)}`);
    }
  } finally {
    await ours.stop();
    await reference?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
