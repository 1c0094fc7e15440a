/**
 * The SQLite write path alone, without HTTP: `writeEventGroups` of --batch-event batches (emails from
 * a pool of --pool, a stamped token, extraData), --group batches per commit, for --seconds. Prints
 * events/s. It isolates storage cost from HTTP and JSON when tuning the schema and statements.
 *
 *   npm run build && node dist/bench/store-write.js [--group 1] [--batch 100] [--seconds 5 | --commits N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomIds } from '../src/domain/clock.js';
import { toEventWrite } from '../src/domain/events/v3-event-input.js';
import type { EventWrite } from '../src/domain/store.js';
import type { EventTemplate } from '../src/domain/types.js';
import { Limits } from '../src/limits.js';
import { packEventWrite } from '../src/store/sqlite/packed-event-write.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { benchArgs } from './lib/args.js';

const args = benchArgs(import.meta.url, 'The SQLite store alone (no HTTP): events/s of writeEventGroups.', {
  group: { type: 'string', default: '1' },
  batch: { type: 'string', default: '100' },
  seconds: { type: 'string', default: '5' },
  pool: { type: 'string', default: '100000' },
  // A fixed amount of work instead of a duration: for noise-free counts (perf stat, strace -c).
  commits: { type: 'string' },
});
const group = Number(args.group);
const batch = Number(args.batch);
const pool = Number(args.pool);

const dir = mkdtempSync(join(tmpdir(), 'store-write-'));
const store = new SqliteStore(join(dir, 'bench.db'));
await store.migrate();
const now = Date.now();
const inserted = await store.insertTemplate(
  1,
  {
    name: 'bench',
    objectType: 'contacts',
    createdAt: now,
    tokens: [
      {
        name: 'webinarName',
        label: 'W',
        type: 'string',
        options: [],
        objectPropertyName: 'last_webinar',
        createdAt: now,
        updatedAt: now,
      },
      { name: 'seats', label: 'S', type: 'number', options: [], createdAt: now, updatedAt: now },
    ],
  },
  750,
);
const template = inserted as EventTemplate;

function makeBatch(): EventWrite[] {
  return Array.from({ length: batch }, () => {
    const n = Math.floor(Math.random() * pool);
    return toEventWrite(
      {
        eventTemplateId: template.id,
        email: `person-${n}@example.com`,
        tokens: { webinarName: `W ${n % 50}`, seats: String(n % 9) },
        extraData: { q: n },
      },
      template,
      { portalId: 1, now: Date.now(), limits: Limits, ids: randomIds },
    );
  });
}

const batches = Array.from({ length: 50 }, makeBatch);
let events = 0;
let commits = 0;
const started = performance.now();
const deadline = started + Number(args.seconds) * 1000;
const maxCommits = args.commits === undefined ? Number.POSITIVE_INFINITY : Number(args.commits);
while (commits < maxCommits && (args.commits !== undefined || performance.now() < deadline)) {
  const groups = Array.from({ length: group }, () => ({
    // Fresh ids each time: re-sending stored events would measure the replay path instead.
    writes: (batches[commits % batches.length] as EventWrite[]).map((w) =>
      packEventWrite({ ...w, event: { ...w.event, id: randomIds.uuid() } }),
    ),
    options: { autoCreateRecords: false, now: Date.now() },
  }));
  store.writeEventGroups(groups);
  events += group * batch;
  commits += 1;
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `store-write: ${Math.round(events / seconds)} events/s (${group} x ${batch} events per commit, ${commits} commits, ${seconds.toFixed(1)} s)`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
