/**
 * `npm run bench:timeline`: reading record timelines back from a large SQLite file.
 *
 * Preloads `--events` events (default 1,000,000) over `--contacts` contacts (default 100,000) into a
 * fresh file straight through the store (bench/lib/preload.ts: the ingestion path without HTTP,
 * then the per-record index the server builds in quiet moments), starts our server on it, and
 * times, one request at a time over a kept-alive connection:
 * - the first page of one record's timeline (20 events, headers rendered), a random record each
 *   time: `GET /_timeline/v1/objects/contacts/{id}/events` (targets: p50 < 5 ms, p99 < 20 ms);
 * - the first page of the records list by latest activity, `GET /_timeline/v1/objects/contacts`
 *   (target < 20 ms);
 * - the first page of a records search `q`: an email prefix naming one contact (`preload-N@`;
 *   target p50 < 20 ms), an id prefix (a record id less its last two digits: about 100 ids) and a
 *   domain prefix every contact has (`example`: the search walks the records by activity).
 *
 * With `--db postgres://...` the same runs on PostgreSQL, in a fresh schema dropped afterwards,
 * preloaded through `PostgresStore.writeEvents` (the server's write path, 4 batches at a time).
 *
 * `--existing` measures a database a `--keep` run left (`--db`: its SQLite file, or the PostgreSQL
 * URL with the schema as search_path, as the run printed) without preloading: another build of the
 * server can be measured on the same data (give the `--contacts` it was loaded with).
 *
 *   npm run bench:timeline -- [--events 1000000] [--contacts 100000] [--samples 2000] [--keep]
 *                             [--db postgres://postgres@127.0.0.1:5432/bench] [--existing]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { freshPostgresSchema } from './lib/fresh-postgres.js';
import { ACCESS_TOKEN, createTemplate, PORTAL_ID, startOurs } from './lib/ours.js';
import { preload, preloadPostgres } from './lib/preload.js';
import { percentile } from './lib/stats.js';

const args = benchArgs(
  import.meta.url,
  'Record timeline reads (first page, records list, search) on a store of --events events.',
  {
    events: { type: 'string', default: '1000000' },
    contacts: { type: 'string', default: '100000' },
    samples: { type: 'string', default: '2000' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string' },
    existing: { type: 'boolean', default: false },
  },
);
const EVENTS = Number(args.events);
const CONTACTS = Number(args.contacts);
const SAMPLES = Number(args.samples);

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${ACCESS_TOKEN}` } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

interface Timing {
  p50: number;
  p99: number;
  mean: number;
}

/** Times `samples` sequential GETs of `urlOf(i)` after a warm-up; every answer must be a 200. */
async function time(
  samples: number,
  urlOf: (i: number) => string,
  check: (body: string) => void,
): Promise<Timing> {
  for (let i = 0; i < Math.min(200, samples); i++) await get(urlOf(i));
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const answer = await get(urlOf(i));
    latencies.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`${urlOf(i)} answered ${answer.status}: ${answer.body}`);
    check(answer.body);
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), mean };
}

const fmt = (t: Timing) =>
  `p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms, mean ${t.mean.toFixed(2)} ms`;

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'timeline-bench-'));
  const existing = args.existing ? args.db : undefined;
  if (args.existing && !existing) throw new Error('--existing needs --db');
  const isPostgres = /^postgres(ql)?:\/\//.test(args.db ?? '');
  const postgres =
    isPostgres && !existing ? await freshPostgresSchema(args.db as string, 'bench_timeline') : undefined;
  const db = existing ?? postgres?.url ?? args.db ?? join(scratch, 'timeline.db');
  try {
    console.log(
      existing
        ? `bench:timeline: the existing ${db} (${CONTACTS} contacts), ${SAMPLES} samples a measurement`
        : `bench:timeline: ${EVENTS} events over ${CONTACTS} contacts, ${SAMPLES} samples a measurement, on ${
            postgres ? `PostgreSQL (schema ${postgres.schema}, ${postgres.url})` : `SQLite (${db})`
          }`,
    );
    if (!existing) {
      const server = await startOurs(db);
      const templateId = await createTemplate(server.url);
      await server.stop();
      const started = performance.now();
      if (postgres) await preloadPostgres(db, PORTAL_ID, templateId, EVENTS, CONTACTS);
      else await preload(db, PORTAL_ID, templateId, EVENTS, CONTACTS);
      console.log(
        `preload (events${postgres ? '' : ', then the per-record index'}): ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    const server = await startOurs(db);

    // Record ids to read: the contacts the preload made, from the CRM list.
    const ids: string[] = [];
    let after: string | undefined;
    while (ids.length < 5000) {
      const page = await get(
        `${server.url}/crm/v3/objects/contacts?limit=100${after ? `&after=${after}` : ''}`,
      );
      const body = JSON.parse(page.body) as {
        results: { id: string }[];
        paging?: { next: { after: string } };
      };
      ids.push(...body.results.map((r) => r.id));
      after = body.paging?.next.after;
      if (!after) break;
    }
    // Spread over the id range: every 1 in (CONTACTS / ids) is not needed; random picks suffice.
    const pick = () => ids[Math.floor(Math.random() * ids.length)] as string;
    const picks = Array.from({ length: SAMPLES + 200 }, pick);

    const record = await time(
      SAMPLES,
      (i) => `${server.url}/_timeline/v1/objects/contacts/${picks[i]}/events`,
      (body) => {
        const { results } = JSON.parse(body) as { results: { header?: string }[] };
        if (results.length === 0 || typeof results[0]?.header !== 'string')
          throw new Error(`no rendered events: ${body}`);
      },
    );
    console.log(
      `record timeline, first page (20 events, headers rendered): ${fmt(record)}  (targets p50 < 5, p99 < 20)`,
    );
    const list = await time(
      SAMPLES,
      () => `${server.url}/_timeline/v1/objects/contacts`,
      (body) => {
        if ((JSON.parse(body) as { results: unknown[] }).results.length !== 20)
          throw new Error('short records page');
      },
    );
    console.log(`records list, first page (20 records by latest activity): ${fmt(list)}  (target < 20)`);
    // Every search but the first must find records (an email of the pool may have drawn no event).
    const searches: [string, (i: number) => string, string][] = [
      [
        'records search, email prefix of one contact (q=preload-N@)',
        (i) => `preload-${(i * 7919) % CONTACTS}%40`,
        '(target p50 < 20)',
      ],
      [
        'records search, id prefix (a record id less its last 2 digits)',
        (i) => (picks[i] as string).slice(0, -2) || (picks[i] as string),
        '',
      ],
      ['records search, domain prefix every contact has (q=example)', () => 'example', ''],
    ];
    for (const [n, [label, q, target]] of searches.entries()) {
      const search = await time(
        SAMPLES,
        (i) => `${server.url}/_timeline/v1/objects/contacts?q=${q(i)}`,
        (body) => {
          const found = (JSON.parse(body) as { results: unknown[] }).results.length;
          if (n === 0 ? found > 1 : found === 0) throw new Error(`${label}: ${found} records: ${body}`);
        },
      );
      console.log(`${label}, first page: ${fmt(search)}  ${target}`);
    }
    await server.stop();
  } finally {
    agent.destroy();
    const kept = args.keep || existing !== undefined;
    if (!(kept && db.startsWith(scratch))) rmSync(scratch, { recursive: true, force: true });
    if (kept) console.log(`kept ${db}`);
    else await postgres?.drop();
  }
}

await main();
