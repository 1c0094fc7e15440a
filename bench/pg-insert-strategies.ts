/**
 * How should the PostgreSQL event writer insert the event rows of a batch? Compares, on the common
 * path (events on existing records, no property stamps), per batch of N events in one transaction:
 * - `each`: a record lookup and one `INSERT ... ON CONFLICT DO NOTHING RETURNING` per event;
 * - `multi`: a record lookup per event, then one multi-row insert (`unnest` of arrays) for the batch;
 * - `multi+prefetch`: the records of the whole batch looked up in one query, then one multi-row insert.
 * Each also runs the one-query check for already stored ids that the writer does first.
 * Then the same through `PostgresStore.writeEvents` as built (`store`): events on existing records,
 * and events by email that each create a new contact (`store, new emails`).
 *
 * Both batch lookups join `unnest($ids)` LATERALly to the table on its whole primary key, with a
 * `LIMIT 1` that keeps the planner from flattening the join: the plain `event_id = ANY($ids)` (and the
 * flattened join) was planned, with statistics from when the table was small, as a scan of the
 * template's every event (a hash join over the (portal_id, template_id) range), and the batch got
 * slower as the table grew (about 1,000 events/s at 100k rows).
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/pg-insert-strategies.js [postgres-url]
 * (WRITERS=1,4 and BATCHES=1,10,100,500 choose the concurrent connections and batch sizes)
 * (default postgres://postgres@127.0.0.1:5432/test; a scratch schema is created and dropped).
 * The number that matters: events/s at 100 events per batch, and the ratio between strategies.
 *
 * CPU=1 measures instead what the store's write path costs in CPU, without HTTP: BATCHES
 * (default 300) batches of 100 events like bench:ingest's (by email from a pool of 100,000, ids made
 * by the server, one stamped token; STAMP_EVERY=1: a new stamped value in every event), from
 * WRITERS (default 4) callers at once through PostgresStore.writeEvents, twice (the first run warms
 * up and fills the pool's contacts); prints events/s and CPU per event of this process (user + sys,
 * every thread) and of its PostgreSQL backends (found by application_name, from /proc: run it on the
 * database's machine). Build the other commit's tree and run its copy for a before/after.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventWrite, RecordRef } from '../src/domain/store.js';
import { applyMigrations } from '../src/store/postgres/postgres-migrations.js';
import { createPool } from '../src/store/postgres/postgres-pool.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { benchEvent } from './lib/bodies.js';
import { backendSeconds } from './lib/cpu.js';

const url = process.argv[2] ?? process.env.TIMELINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const list = (value: string | undefined, fallback: number[]): number[] =>
  value ? value.split(',').map(Number) : fallback;
const WRITERS = list(process.env.WRITERS, [1, 4]);
const BATCH_SIZES = list(process.env.BATCHES, [1, 10, 100, 500]);
const schema = `bench_${randomBytes(4).toString('hex')}`;
const PORTAL = 1;
const TEMPLATE = 1_000_001;
const RECORDS = 1000;
/** Events per measurement: enough batches to average over, without 20,000 single-event commits. */
const eventsPerRun = (batchSize: number): number => Math.min(20_000, batchSize * 300);

type Strategy = (client: pg.PoolClient, batch: number[], tag: string) => Promise<void>;

const findRecord = {
  name: 'b_find',
  text: 'SELECT id FROM crm_records WHERE portal_id = $1 AND object_type = $2 AND id = $3',
};
const findRecords = {
  name: 'b_find_many',
  text: `SELECT r.id FROM unnest($3::bigint[]) AS k(id)
         CROSS JOIN LATERAL (SELECT id FROM crm_records WHERE portal_id = $1 AND object_type = $2 AND id = k.id LIMIT 1) r`,
};
const existing = {
  name: 'b_existing',
  text: `SELECT e.event_id, e.fingerprint FROM unnest($3::text[]) AS k(event_id)
         CROSS JOIN LATERAL (SELECT event_id, fingerprint FROM timeline_events
                             WHERE portal_id = $1 AND template_id = $2 AND event_id = k.event_id LIMIT 1) e`,
};
const insertOne = {
  name: 'b_insert_one',
  text: `INSERT INTO timeline_events (portal_id, template_id, event_id, object_type, object_id, ts, created_at, fingerprint, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING event_id`,
};
const insertMany = {
  name: 'b_insert_many',
  text: `INSERT INTO timeline_events (portal_id, template_id, event_id, object_type, object_id, ts, created_at, fingerprint, body)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],
                              $7::bigint[], $8::text[], $9::text[])
         ON CONFLICT DO NOTHING RETURNING event_id`,
};

const BODY = JSON.stringify({ tokens: { name: 'Ada', count: '3' }, extraData: { a: [1, 2, 3] } });

function ids(batch: number[], tag: string): string[] {
  return batch.map((n) => `${tag}-${n}`);
}

async function precheck(client: pg.PoolClient, batch: number[], tag: string): Promise<void> {
  await client.query({ ...existing, values: [PORTAL, TEMPLATE, ids(batch, tag)] });
}

const each: Strategy = async (client, batch, tag) => {
  await precheck(client, batch, tag);
  for (const n of batch) {
    const record = await client.query({ ...findRecord, values: [PORTAL, 'contacts', (n % RECORDS) + 1] });
    const id = record.rows[0].id as number;
    const now = Date.now();
    await client.query({
      ...insertOne,
      values: [PORTAL, TEMPLATE, `${tag}-${n}`, 'contacts', id, now, now, 'fp', BODY],
    });
  }
};

async function insertRows(client: pg.PoolClient, batch: number[], tag: string, objectIds: number[]) {
  const now = Date.now();
  const column = <T>(value: T): T[] => batch.map(() => value);
  await client.query({
    ...insertMany,
    values: [
      column(PORTAL),
      column(TEMPLATE),
      ids(batch, tag),
      column('contacts'),
      objectIds,
      column(now),
      column(now),
      column('fp'),
      column(BODY),
    ],
  });
}

const multi: Strategy = async (client, batch, tag) => {
  await precheck(client, batch, tag);
  const objectIds: number[] = [];
  for (const n of batch) {
    const record = await client.query({ ...findRecord, values: [PORTAL, 'contacts', (n % RECORDS) + 1] });
    objectIds.push(record.rows[0].id as number);
  }
  await insertRows(client, batch, tag, objectIds);
};

const multiPrefetch: Strategy = async (client, batch, tag) => {
  await precheck(client, batch, tag);
  const wanted = batch.map((n) => (n % RECORDS) + 1);
  const { rows } = await client.query({ ...findRecords, values: [PORTAL, 'contacts', wanted] });
  const found = new Set(rows.map((row) => Number(row.id)));
  await insertRows(
    client,
    batch,
    tag,
    wanted.filter((id) => found.has(id)),
  );
};

async function measure(
  pool: pg.Pool,
  strategy: Strategy,
  label: string,
  batchSize: number,
  writers: number,
): Promise<number> {
  const batchesPerWriter = Math.ceil(eventsPerRun(batchSize) / batchSize / writers);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const client = await pool.connect();
      try {
        for (let b = 0; b < batchesPerWriter; b++) {
          const batch = Array.from({ length: batchSize }, (_, i) => b * batchSize + i);
          await client.query('BEGIN');
          await strategy(client, batch, `${label}-${batchSize}-${writers}-${w}-${b}`);
          await client.query('COMMIT');
        }
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (batchesPerWriter * batchSize * writers) / seconds;
}

/** Events/s through the store: `writers` concurrent callers, each writing `batchSize`-event batches. */
async function measureStore(
  store: PostgresStore,
  label: string,
  batchSize: number,
  writers: number,
  record: (n: number, tag: string) => RecordRef,
): Promise<number> {
  const batchesPerWriter = Math.ceil(eventsPerRun(batchSize) / batchSize / writers);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let b = 0; b < batchesPerWriter; b++) {
        const tag = `${label}-${batchSize}-${writers}-${w}-${b}`;
        const writes: EventWrite[] = Array.from({ length: batchSize }, (_, i) => ({
          portalId: PORTAL,
          event: {
            eventTemplateId: String(TEMPLATE),
            id: `${tag}-${i}`,
            objectType: 'contacts',
            timestamp: Date.now(),
            createdAt: Date.now(),
            tokens: { name: 'Ada', count: '3' },
            extraData: { a: [1, 2, 3] },
          },
          record: record(b * batchSize + i, tag),
          stamps: {},
          fingerprint: 'fp',
        }));
        const results = await store.writeEvents(writes, { autoCreateRecords: false, now: Date.now() });
        if (!results.every((r) => r.ok)) throw new Error(`${label}: a write failed`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (batchesPerWriter * batchSize * writers) / seconds;
}

async function main(): Promise<void> {
  const pool = createPool(url, { poolSize: 8, schema });
  const setup = await pool.connect();
  try {
    await applyMigrations(setup, schema);
    await setup.query(
      `INSERT INTO crm_records (portal_id, object_type, id, properties, created_at, updated_at)
       SELECT $1, 'contacts', g, '{}', 0, 0 FROM generate_series(1, $2::int) g`,
      [PORTAL, RECORDS],
    );
    await setup.query("SELECT setval('crm_record_ids', $1)", [RECORDS]);
  } finally {
    setup.release();
  }
  const strategies: [string, Strategy][] = [
    ['each', each],
    ['multi', multi],
    ['multi+prefetch', multiPrefetch],
  ];
  try {
    for (const writers of WRITERS) {
      for (const batchSize of BATCH_SIZES) {
        const line: string[] = [];
        for (const [label, strategy] of strategies) {
          await measure(pool, strategy, `warm-${label}`, batchSize, writers);
          const rate = await measure(pool, strategy, label, batchSize, writers);
          line.push(`${label} ${Math.round(rate)}/s`);
        }
        const store = new PostgresStore(url, { poolSize: writers, schema });
        try {
          const onRecord = (n: number): RecordRef => ({
            by: 'objectId',
            objectId: String((n % RECORDS) + 1),
          });
          const newEmail = (n: number, tag: string): RecordRef => ({
            by: 'email',
            email: `${tag}-${n}@example.com`,
          });
          for (const [label, record] of [
            ['store', onRecord],
            ['store, new emails', newEmail],
          ] as const) {
            await measureStore(store, `warm-${label}`, batchSize, writers, record);
            line.push(
              `${label} ${Math.round(await measureStore(store, label, batchSize, writers, record))}/s`,
            );
          }
        } finally {
          await store.close();
        }
        console.log(`writers=${writers} batch=${batchSize}: ${line.join(', ')}`);
      }
    }
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  }
}

/** One bench:ingest event (bench/lib/bodies.ts) as the domain hands it to the store. */
function benchWrite(stampEvery: boolean): EventWrite {
  const input = benchEvent(String(TEMPLATE), 100_000, 'person', stampEvery);
  const now = Date.now();
  const { eventTemplateId, email, tokens, extraData } = input;
  return {
    portalId: PORTAL,
    event: {
      eventTemplateId,
      id: randomUUID(),
      objectType: 'contacts',
      timestamp: now,
      createdAt: now,
      tokens,
      extraData,
      email,
    },
    record: { by: 'email', email },
    stamps: { last_webinar: tokens.webinarName ?? '' },
    fingerprint: '',
  };
}

async function measureCpu(): Promise<void> {
  const batches = Number(process.env.BATCHES ?? 300);
  const writers = Number(process.env.WRITERS ?? 4);
  const stampEvery = process.env.STAMP_EVERY === '1';
  const scoped = new URL(url);
  scoped.searchParams.set('application_name', schema);
  const store = new PostgresStore(scoped.toString(), { poolSize: writers, schema });
  const admin = createPool(url, { poolSize: 1 });
  const backends = async (): Promise<number> => {
    const seconds = await backendSeconds(admin, schema);
    return [...seconds.values()].reduce((total, s) => total + s, 0);
  };
  try {
    await store.migrate();
    for (const run of ['warm-up', 'measured']) {
      const cpuBefore = process.cpuUsage();
      const backendsBefore = await backends();
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next++ < batches) {
            const writes = Array.from({ length: 100 }, () => benchWrite(stampEvery));
            const results = await store.writeEvents(writes, { autoCreateRecords: false, now: Date.now() });
            if (!results.every((r) => r.ok)) throw new Error('a write failed');
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const events = batches * 100;
      const ours = ((cpu.user + cpu.system) / events).toFixed(1);
      const theirs = (((await backends()) - backendsBefore) * 1e6) / events;
      console.log(
        `${run}: ${Math.round(events / seconds)} events/s, CPU per event: this process ${ours} us ` +
          `(user ${(cpu.user / events).toFixed(1)}), PostgreSQL backends ${theirs.toFixed(1)} us`,
      );
    }
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

if (process.env.CPU === '1') await measureCpu();
else await main();
