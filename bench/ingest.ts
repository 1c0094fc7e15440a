/**
 * Batch ingestion benchmark.
 *
 * Default, the steady state: starts our server (a SQLite file, or --db) and the reference (bare
 * node:http + JSON, storing nothing) as child processes and keeps both running for all --rounds
 * (default 6) alternating rounds of --duration seconds (default 10): each round of ours lands on
 * everything the rounds before stored, as on a deployed server. Each target gets the same load —
 * batches of --batch events with tokens and extraData, emails drawn from a pool of --pool,
 * --connections concurrent connections — and the run prints events/s, p50 and p99 per round, their
 * medians, the ratio ours/reference, ours' last round against its first, and between rounds the
 * slowest `/_health` answer and the WAL's size. --fresh starts ours on an empty database before
 * every round instead (the measure of earlier rounds of this work).
 *
 * --vs-prism: our server side by side with Stoplight Prism (installed on first use into bench/.prism);
 * see bench/lib/vs-prism.ts and bench/README.md. --rounds defaults to 3 there, --connections to
 * "10,50", and --preload (default 1000000) events are stored before a last measurement.
 *
 *   npm run bench:ingest -- [--db postgres://postgres@127.0.0.1:5432/bench] [--duration 10] [--rounds 6] [--fresh]
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
 * Prism as one more target of the same rounds (what storing alone costs, against Prism):
 *   npm run bench:ingest -- --stored-reference --prism --rounds 3 --cpu
 * --cpu-prof <dir>: our servers write V8 CPU profiles of each of their threads there when they stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { slowestHealth, walMb } from './lib/between-rounds.js';
import {
  APP_EVENT_BATCH_PATH,
  appEventBatchBodies,
  BATCH_PATH,
  batchBodies,
  REQUEST_NUMBER,
  singleBodies,
} from './lib/bodies.js';
import { accumulate, describeServerCpu, spent, threadSeconds } from './lib/cpu.js';
import { freshIngestPostgres, type IngestPostgres } from './lib/ingest-postgres.js';
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
import { printSteadyState } from './lib/steady-state.js';
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
    fresh: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'no-reference': { type: 'boolean', default: false },
    'vs-sqlite': { type: 'boolean', default: false },
    'vs-prism': { type: 'boolean', default: false },
    'app-events': { type: 'boolean', default: false },
    'limiter-cost': { type: 'boolean', default: false },
    // The reference also storing each event (bench/reference-server.ts --store), and Prism.
    'stored-reference': { type: 'boolean', default: false },
    prism: { type: 'boolean', default: false },
    // Every event stamps a new value onto its contact (the stamped token varies).
    'stamp-every': { type: 'boolean', default: false },
    // CPU per event of our server's threads (and of its PostgreSQL backends) over the rounds.
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

type FreshPostgres = IngestPostgres;
const freshPostgres = freshIngestPostgres;

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
  /** The app-events path (`2026-03/events/batch`) instead of v3's batch create. */
  appEvents?: boolean;
  /** Our server's SQLite file (its WAL is measured between rounds). */
  sqlitePath?: string;
  /** --fresh: stops our server and starts it again on an empty database. */
  restart?: () => Promise<void>;
}

/** `node` flags for our servers: --cpu-prof <dir> profiles each of their threads. */
function nodeFlags(): string[] {
  const dir = args['cpu-prof'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

async function againstReference(): Promise<void> {
  const connections = positive('connections', args.connections ?? '10');
  const rounds = positive('rounds', args.rounds ?? '6');
  if (args.fresh && args['app-events'])
    throw new Error(
      '--fresh restarts our server each round; the app-events target shares it: use one or the other',
    );
  const scratch = mkdtempSync(join(tmpdir(), 'timeline-bench-'));
  const postgres = args.db && /^postgres(ql)?:\/\//.test(args.db) ? await freshPostgres(args.db) : undefined;
  const db = postgres?.url ?? args.db ?? join(scratch, 'bench.db');
  console.log(
    `ingest: ${batchSize}-event batches, ${connections} connections, ${duration} s a round, ${rounds} round(s), email pool ${poolSize}, db ${args.db ?? db}` +
      (args.fresh ? ', ours on an empty database every round' : ', one server and database for all rounds') +
      (args['stamp-every'] ? ', every event stamps a new value' : ''),
  );
  const deadlocksBefore = await postgres?.deadlocks();
  let limitedPostgres: FreshPostgres | undefined;
  const targets: Target[] = [];
  const dropLater: (() => Promise<void>)[] = [];
  let freshFiles = 0;
  const addOurs = async (label: string, path: string, schema?: FreshPostgres, rateLimit?: string) => {
    const start = async (db: string, pgSchema: FreshPostgres | undefined) => {
      const server = await startOurs(db, rateLimit, undefined, nodeFlags());
      return {
        url: server.url,
        pid: server.child.pid,
        postgres: pgSchema,
        templateId: await createTemplate(server.url),
        stop: server.stop,
        sqlitePath: pgSchema ? undefined : db,
      };
    };
    const target: Target = { label, ...(await start(path, schema)) };
    if (args.fresh) {
      target.restart = async () => {
        await target.stop();
        await target.postgres?.drop();
        freshFiles += 1;
        const pgSchema = target.postgres ? await freshPostgres(args.db as string) : undefined;
        Object.assign(
          target,
          await start(pgSchema?.url ?? join(scratch, `fresh-${freshFiles}.db`), pgSchema),
        );
      };
    }
    targets.push(target);
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
    // One process on PostgreSQL against one on SQLite, in the same run (the scale-out figures).
    if (args['vs-sqlite']) await addOurs('ours (SQLite)', join(scratch, 'bench-sqlite.db'));
    // The app-events path on the same server and database, in the same rounds as v3's.
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
        if (round > 1) await target.restart?.();
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
      // Our servers after the round: how long /_health waits meanwhile, and the WAL it leaves.
      for (const target of targets) {
        if (target.note || target.appEvents || target.label === 'prism') continue;
        const wal = target.sqlitePath ? `, WAL ${walMb(target.sqlitePath).toFixed(1)} MB` : '';
        console.log(
          `        ${target.label.padEnd(18)} after the round: slowest of 20 /_health ${(await slowestHealth(target.url)).toFixed(1)} ms${wal}`,
        );
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
    const ourTarget = targets[0];
    if (ourTarget) {
      const roundsOf = (t: Target) => ({ label: t.label, rounds: results.get(t.label) ?? [] });
      printSteadyState(
        roundsOf(ourTarget),
        targets
          .slice(1)
          .filter((t) => t.note || t.label === 'prism')
          .map(roundsOf),
        args.fresh,
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
  if (args.db && args.db !== ':memory:')
    throw new Error(
      '--vs-prism measures our server on fresh SQLite files, or with --db :memory: in memory; no other --db',
    );
  const ok = await runVsPrism({
    duration,
    rounds: positive('rounds', args.rounds ?? '3'),
    batchSize,
    poolSize,
    connections: (args.connections ?? '10,50').split(',').map((c) => positive('connections', c.trim())),
    preload: positive('preload', args.preload),
    starts: positive('starts', args.starts),
    memory: args.db === ':memory:',
  });
  if (!ok) process.exitCode = 1;
} else {
  await againstReference();
}
