/**
 * Reads while writes pour in: our server (a fresh SQLite file, or --db) takes batch writes at
 * --connections (default 50) for --duration seconds (default 60), onto a small pool of contacts
 * (--pool, default 50: every record gets thousands of events), while a child process probes three
 * reads one request at a time each: `GET /_health`, one record's timeline (first page) and the
 * records list (first page). The probes go on for --after seconds (default 30) once the writes
 * stop, while the server catches up on its record index. Prints, per second, each probe's p99 and
 * count, then each probe's worst second and its p99 during and after the writes (target: every p99
 * under 50 ms).
 *
 *   npm run build && node dist/bench/reads.js [--duration 60] [--after 30] [--connections 50] [--pool 50] [--db ...]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { BATCH_PATH, batchBodies } from './lib/bodies.js';
import { freshIngestPostgres } from './lib/ingest-postgres.js';
import { runLoad } from './lib/load.js';
import { ACCESS_TOKEN, createTemplate, startOurs } from './lib/ours.js';
import { peakRssMb } from './lib/processes.js';
import { PROBES, type ProbeOptions, type ProbeResults } from './lib/read-probes.js';
import { formatResult, percentile } from './lib/stats.js';

const args = benchArgs(
  import.meta.url,
  'Reads (/_health, a record timeline, the records list) during and after a burst of batch writes.',
  {
    db: { type: 'string' },
    duration: { type: 'string', default: '60' },
    after: { type: 'string', default: '30' },
    connections: { type: 'string', default: '50' },
    batch: { type: 'string', default: '100' },
    pool: { type: 'string', default: '50' },
  },
);

const duration = Number(args.duration);
const after = Number(args.after);
const TARGET_MS = 50;

const p99 = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    99,
  );
const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-').padStart(8);

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'timeline-reads-'));
  const postgres = args.db?.startsWith('postgres') ? await freshIngestPostgres(args.db) : undefined;
  const db = postgres?.url ?? args.db ?? join(scratch, 'reads.db');
  const server = await startOurs(db);
  try {
    const templateId = await createTemplate(server.url);
    const bodies = batchBodies(templateId, Number(args.batch), Number(args.pool));
    // A first batch creates the contacts; the probed record is the first event's.
    const first = await fetch(`${server.url}${BATCH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ACCESS_TOKEN}` },
      body: bodies[0],
    });
    const created = (await first.json()) as { results: { objectId: string }[] };
    const recordId = created.results[0]?.objectId;
    if (first.status !== 201 || !recordId) throw new Error(`first batch answered ${first.status}`);
    console.log(
      `reads: ${args.connections} connections of ${args.batch}-event batches onto ${args.pool} contacts for ${duration} s, probes for ${after} s more; db ${args.db ?? db}`,
    );
    const options: ProbeOptions = {
      url: server.url,
      token: ACCESS_TOKEN,
      recordId,
      seconds: duration + after,
    };
    const probes = fork(join(import.meta.dirname, 'lib', 'read-probes.js'), [JSON.stringify(options)]);
    const probed = new Promise<ProbeResults>((resolve, reject) => {
      probes.once('message', (message) => resolve(message as ProbeResults));
      probes.once('exit', (code) => reject(new Error(`the probes exited with ${code}`)));
    });
    const writes = await runLoad({
      url: server.url,
      path: BATCH_PATH,
      bodies,
      eventsPerRequest: Number(args.batch),
      connections: Number(args.connections),
      duration,
      token: ACCESS_TOKEN,
    });
    console.log(`writes  ${formatResult(writes)}`);
    const results = await probed;
    console.log('');
    console.log(`second  ${PROBES.map((p) => `${p.padStart(16)} p99 (n)`).join('')}`);
    const seconds = Math.max(...PROBES.map((p) => results.latencies[p].length));
    for (let s = 0; s < seconds; s++) {
      const cells = PROBES.map((p) => {
        const values = results.latencies[p][s] ?? [];
        return `${ms(values.length ? p99(values) : Number.NaN)} ms (${String(values.length).padStart(4)})`;
      });
      console.log(`${String(s).padStart(5)}${s === duration ? '*' : ' '} ${cells.join('   ')}`);
    }
    console.log(`(* the writes stopped; target: every second's p99 under ${TARGET_MS} ms)`);
    console.log('');
    for (const probe of PROBES) {
      const bySecond = results.latencies[probe];
      let worst = { second: -1, p99: 0 };
      bySecond.forEach((values, second) => {
        const value = values.length ? p99(values) : 0;
        if (value > worst.p99) worst = { second, p99: value };
      });
      const during = p99(bySecond.slice(0, duration).flat());
      const afterwards = p99(bySecond.slice(duration).flat());
      const met = worst.p99 < TARGET_MS ? 'met' : 'NOT met';
      console.log(
        `${probe.padEnd(16)} worst second ${worst.second}: p99 ${worst.p99.toFixed(1)} ms (${met}); p99 during the writes ${during.toFixed(1)} ms, after ${afterwards.toFixed(1)} ms; ${results.failures[probe]} not 200`,
      );
    }
    console.log(`peak RSS of the server: ${(await peakRssMb(server.child.pid))?.toFixed(0) ?? '?'} MB`);
  } finally {
    await server.stop();
    await postgres?.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
