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
 *   npm run bench:ingest -- --app-events [--no-reference]   (v3 and app-event batches, same server, same rounds)
 *
 * --limiter-cost: adds our server with the rate limiter counting (limits it never reaches) beside the
 * one with `--rate-limit off`, each on its own fresh database, rounds alternating; the ratio
 * `ours/ours (limiter on)` is what the limiter costs. Use --rounds 3 or more and read the medians.
 *   npm run bench:ingest -- --db postgres://... --vs-sqlite --stamp-every   (every event changes its contact)
 *   npm run bench:ingest -- --cpu [--db postgres://...]   (CPU per event of our server and its PostgreSQL backends)
 *
 * --stored-reference adds the reference storing every event durably and doing nothing else (see
 * bench/reference-server.ts), on each database our server uses in the run; --prism adds Stoplight
 * Prism as one more target of the same rounds (issue 16: what storing alone costs, against Prism):
 *   npm run bench:ingest -- --stored-reference --prism --rounds 3 --cpu
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchArgs } from './lib/args.js';
import {
  APP_EVENT_BATCH_PATH,
  appEventBatchBodies,
  BATCH_PATH,
  batchBodies,
  REQUEST_NUMBER,
  singleBodies,
} from './lib/bodies.js';
import { accumulate, backendSeconds, describeServerCpu, spent, threadSeconds } from './lib/cpu.js';
import { type LoadResult, runLoad } from './lib/load.js';
import {
  ACCESS_TOKEN,
  createAppEventType,
  createTemplate,
  startOurs,
  UNREACHABLE_RATE_LIMIT,
} from './lib/ours.js';
import { ensurePrism, startPrism, writeDocument } from './lib/prism.js';
import { peakRssMb, startProcess } from './lib/processes.js';
import { formatResult, ratio, summarize } from './lib/stats.js';
import { runVsPrism } from './lib/vs-prism.js';

const args = benchArgs(
  import.meta.url,
  'Batch ingestion: our server against a reference (or Prism, --vs-prism; PostgreSQL against SQLite, --vs-sqlite), events/s and latency.',
  {
    db: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string' },
    batch: { type: 'string', default: '100' },
    pool: { type: 'string', default: '100000' },
    rounds: { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    'vs-sqlite': { type: 'boolean', default: false },
    'vs-prism': { type: 'boolean', default: false },
    'app-events': { type: 'boolean', default: false },
    'limiter-cost': { type: 'boolean', default: false },
    // issue 16: the reference also storing each event (bench/reference-server.ts --store), and Prism.
    'stored-reference': { type: 'boolean', default: false },
    prism: { type: 'boolean', default: false },
    // issue 16: every event stamps a new value onto its contact (the stamped token varies).
    'stamp-every': { type: 'boolean', default: false },
    // issue 16: CPU per event of our server's threads (and of its PostgreSQL backends) over the rounds.
    cpu: { type: 'boolean', default: false },
    preload: { type: 'string', default: '1000000' },
    starts: { type: 'string', default: '3' },
  },
);

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

const duration = positive('duration', args.duration);
const batchSize = positive('batch', args.batch);
const poolSize = positive('pool', args.pool);

/** A fresh schema for a PostgreSQL run (dropped afterwards), so runs never see each other's data. */
let schemas = 0;
async function freshPostgres(url: string): Promise<{
  url: string;
  drop: () => Promise<void>;
  deadlocks: () => Promise<number>;
  backends: () => Promise<Map<string, number>>;
  limiterCalls: () => Promise<number>;
}> {
  schemas += 1;
  const schema = `bench_${Date.now()}_${process.pid}_${schemas}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  // track_functions: --limiter-cost reports how many calls of the rate-limit function each request cost.
  scoped.searchParams.set('options', `-c search_path=${schema} -c track_functions=pl`);
  // Names our server's connections, so --cpu can find its backends in pg_stat_activity.
  scoped.searchParams.set('application_name', schema);
  return {
    url: scoped.toString(),
    drop: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
    backends: () => backendSeconds(admin, schema),
    limiterCalls: async () => {
      // The statistics reach pg_stat_user_functions within a second of each transaction's end.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const { rows } = await admin.query<{ calls: string | null }>(
        `SELECT SUM(calls) AS calls FROM pg_stat_user_functions
         WHERE schemaname = $1 AND funcname LIKE 'request_count_%'`,
        [schema],
      );
      return Number(rows[0]?.calls ?? 0);
    },
    // PostgreSQL's count of deadlocks detected in this database (every client of it, ours included).
    deadlocks: async () => {
      const { rows } = await admin.query<{ deadlocks: string }>(
        'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()',
      );
      return Number(rows[0]?.deadlocks ?? 0);
    },
  };
}

type FreshPostgres = Awaited<ReturnType<typeof freshPostgres>>;

interface Target {
  label: string;
  url: string;
  pid?: number;
  /** The target's own PostgreSQL schema, whose backends --cpu measures. */
  postgres?: FreshPostgres | undefined;
  /** What the target is, printed after its medians (the references). */
  note?: string;
  templateId: string;
  stop: () => Promise<void>;
  /** The app-events path (issue 14) instead of v3's batch create. */
  appEvents?: boolean;
}

async function againstReference(): Promise<void> {
  const connections = positive('connections', args.connections ?? '10');
  const rounds = positive('rounds', args.rounds ?? '1');
  const scratch = mkdtempSync(join(tmpdir(), 'timeline-bench-'));
  const postgres = args.db && /^postgres(ql)?:\/\//.test(args.db) ? await freshPostgres(args.db) : undefined;
  const db = postgres?.url ?? args.db ?? join(scratch, 'bench.db');
  console.log(
    `ingest: ${batchSize}-event batches, ${connections} connections, ${duration} s a round, ${rounds} round(s), email pool ${poolSize}, db ${args.db ?? db}` +
      (args['stamp-every'] ? ', every event stamps a new value' : ''),
  );
  const deadlocksBefore = await postgres?.deadlocks();
  let limitedPostgres: FreshPostgres | undefined;
  const targets: Target[] = [];
  const dropLater: (() => Promise<void>)[] = [];
  const addOurs = async (label: string, path: string, schema?: FreshPostgres, rateLimit?: string) => {
    const server = await startOurs(path, rateLimit);
    targets.push({
      label,
      url: server.url,
      pid: server.child.pid,
      postgres: schema,
      templateId: await createTemplate(server.url),
      stop: server.stop,
    });
  };
  const addReference = async (label: string, store?: string, schema?: FreshPostgres) => {
    const script = join(import.meta.dirname, 'reference-server.js');
    const reference = await startProcess(process.execPath, store ? [script, '--store', store] : [script]);
    targets.push({
      label,
      url: reference.url,
      pid: reference.child.pid,
      postgres: schema,
      note: store
        ? 'bare node:http + JSON + one row per event, durable'
        : 'bare node:http + JSON, stores nothing',
      templateId: targets[0]?.templateId ?? '',
      stop: reference.stop,
    });
  };
  try {
    await addOurs(postgres ? 'ours (PostgreSQL)' : 'ours', db, postgres);
    // One process on PostgreSQL against one on SQLite, in the same run (issue: scale-out figures).
    if (args['vs-sqlite']) await addOurs('ours (SQLite)', join(scratch, 'bench-sqlite.db'));
    // The app-events path on the same server and database, in the same rounds as v3's (issue 14).
    const ours = targets[0];
    if (args['app-events'] && ours) {
      targets.push({
        label: 'ours app events',
        url: ours.url,
        templateId: await createAppEventType(ours.url),
        stop: async () => {},
        appEvents: true,
      });
    }
    if (args['limiter-cost']) {
      const limited = postgres ? await freshPostgres(args.db as string) : undefined;
      if (limited) {
        dropLater.push(limited.drop);
        limitedPostgres = limited;
      }
      await addOurs(
        'ours (limiter on)',
        limited?.url ?? join(scratch, 'bench-limited.db'),
        limited,
        UNREACHABLE_RATE_LIMIT,
      );
    }
    if (!args['no-reference']) await addReference('reference');
    if (args['stored-reference']) {
      // On each database our server runs on in this run, in a schema or file of its own.
      if (postgres) {
        const schema = await freshPostgres(args.db as string);
        dropLater.push(schema.drop);
        await addReference('stored ref (PG)', schema.url, schema);
      }
      if (!postgres || args['vs-sqlite'])
        await addReference('stored reference', join(scratch, 'stored-reference.db'));
    }
    if (args.prism) {
      await ensurePrism();
      const templateId = targets[0]?.templateId ?? '';
      writeDocument(templateId, batchSize);
      const probe = singleBodies(templateId, poolSize, 1)[0] as string;
      const prism = await startPrism(probe, ACCESS_TOKEN);
      targets.push({ label: 'prism', url: prism.url, pid: prism.child.pid, templateId, stop: prism.stop });
    }
    const results = new Map<string, LoadResult[]>();
    // --cpu: CPU seconds of each target's server threads (and PostgreSQL backends) during its loads.
    const serverCpu = new Map<string, Map<string, number>>();
    const backendCpu = new Map<string, number>();
    for (let round = 1; round <= rounds; round++) {
      for (const target of targets) {
        const measureCpu = args.cpu && target.pid !== undefined && !target.appEvents;
        // Each PostgreSQL target's own schema names its backends.
        const pgTarget = measureCpu ? target.postgres : undefined;
        const threadsBefore = measureCpu ? threadSeconds(target.pid as number) : undefined;
        const backendsBefore = pgTarget ? await pgTarget.backends() : undefined;
        const result = await runLoad({
          url: target.url,
          eventsPerRequest: batchSize,
          connections,
          duration,
          token: ACCESS_TOKEN,
          ...(target.appEvents
            ? {
                path: APP_EVENT_BATCH_PATH,
                // Occurrence ids never repeat (a repeat is a 409): per round, per request, per position.
                bodies: appEventBatchBodies(target.templateId, batchSize, poolSize, `r${round}`),
                successStatus: 200,
                uniquePlaceholder: REQUEST_NUMBER,
              }
            : {
                path: BATCH_PATH,
                bodies: batchBodies(target.templateId, batchSize, poolSize, 200, args['stamp-every']),
              }),
        });
        if (threadsBefore) {
          const total = serverCpu.get(target.label) ?? new Map<string, number>();
          accumulate(total, spent(threadsBefore, threadSeconds(target.pid as number)));
          serverCpu.set(target.label, total);
        }
        if (backendsBefore && pgTarget) {
          const used = [...spent(backendsBefore, await pgTarget.backends()).values()];
          backendCpu.set(target.label, (backendCpu.get(target.label) ?? 0) + used.reduce((a, b) => a + b, 0));
        }
        results.set(target.label, [...(results.get(target.label) ?? []), result]);
        console.log(`round ${round}  ${target.label.padEnd(18)} ${formatResult(result)}`);
      }
    }
    console.log('');
    const medians = new Map<string, LoadResult>();
    for (const target of targets) {
      const median = summarize(results.get(target.label) ?? []);
      medians.set(target.label, median);
      const rss =
        target.pid === undefined ? '' : `   peak RSS ${(await peakRssMb(target.pid))?.toFixed(0) ?? '?'} MB`;
      const note = target.note ? `   (${target.note})` : '';
      console.log(`median  ${target.label.padEnd(18)} ${formatResult(median)}${rss}${note}`);
    }
    for (const target of targets) {
      const threads = serverCpu.get(target.label);
      if (!threads || target.pid === undefined) continue;
      // Events stored over all rounds (201 answers only), from each round's rate and duration.
      const events = (results.get(target.label) ?? []).reduce((n, r) => n + r.eventsPerSecond * duration, 0);
      const backend = backendCpu.get(target.label);
      const pgText =
        backend === undefined
          ? ''
          : `; PostgreSQL backends ${((backend * 1e6) / events).toFixed(1)} us per event (its background writers not counted)`;
      console.log(
        `cpu     ${target.label.padEnd(18)} ${describeServerCpu(target.pid, threads, events)}${pgText}`,
      );
    }
    const first = medians.get(targets[0]?.label ?? '');
    for (const target of targets.slice(1)) {
      const other = medians.get(target.label);
      if (first && other) {
        console.log(
          `ratio ${targets[0]?.label}/${target.label}: ${ratio(first.eventsPerSecond, other.eventsPerSecond)}`,
        );
      }
    }
    if (limitedPostgres) {
      const limited = results.get('ours (limiter on)') ?? [];
      const requests = limited.reduce((n, r) => n + (r.eventsPerSecond * duration) / batchSize, 0);
      const calls = await limitedPostgres.limiterCalls();
      console.log(
        `limiter: ${calls} rate-limit calls in the database for about ${Math.round(requests)} requests (${(calls / Math.max(1, requests)).toFixed(3)} per request)`,
      );
    }
    if (postgres && deadlocksBefore !== undefined) {
      // The statistics reach pg_stat_database within a second of each transaction's end.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      console.log(
        `PostgreSQL deadlocks detected during the run: ${(await postgres.deadlocks()) - deadlocksBefore}`,
      );
    }
  } finally {
    for (const target of targets) await target.stop();
    await postgres?.drop();
    for (const drop of dropLater) await drop();
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
