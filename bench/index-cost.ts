/**
 * What the SQLite record-timeline index costs per event as the file grows, without HTTP or the
 * SQLite thread: one process writes 1,000-event group commits of the `bench:ingest` events
 * (`SqliteStore.writeEventGroups`, contacts created by email from a pool of --pool) and, once more
 * than 20,000 events wait, indexes one slice of --slice events after each commit (the indexer's
 * work under a steady load). Every --every events it prints the CPU time (user + system, so the
 * figures hold on a busy machine) per 1,000 events of the writes and of the index slices, the
 * longest of each, and the WAL's size.
 *
 *   npm run build && node dist/bench/index-cost.js [--events 400000] [--slice 1500] [--pool 100000] [--every 50000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomIds } from '../src/domain/clock.js';
import { toEventWrite } from '../src/domain/events/v3-event-input.js';
import { Limits } from '../src/limits.js';
import { packEventWrite } from '../src/store/sqlite/packed-event-write.js';
import type { EventWriteGroup } from '../src/store/sqlite/sqlite-event-writer.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { benchArgs } from './lib/args.js';
import { walMb } from './lib/between-rounds.js';
import { benchEvent } from './lib/bodies.js';
import { createTemplate, PORTAL_ID, startOurs } from './lib/ours.js';

const args = benchArgs(
  import.meta.url,
  'CPU per event of SQLite writes and of the record index slices as the file grows.',
  {
    events: { type: 'string', default: '400000' },
    slice: { type: 'string', default: '1500' },
    pool: { type: 'string', default: '100000' },
    every: { type: 'string', default: '50000' },
  },
);
const [total, slice, pool, every] = [args.events, args.slice, args.pool, args.every].map(Number) as [
  number,
  number,
  number,
  number,
];

/** CPU milliseconds since `since` (this process has one thread doing the work). */
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const scratch = mkdtempSync(join(tmpdir(), 'timeline-index-cost-'));
const db = join(scratch, 'index-cost.db');
try {
  // The template through the API, as a server makes it.
  const server = await startOurs(db);
  const templateId = await createTemplate(server.url);
  await server.stop();
  const store = new SqliteStore(db);
  await store.migrate();
  const template = await store.getTemplate(templateId);
  if (!template) throw new Error('template not found');
  console.log(
    `index-cost: ${total} events, 1,000 a commit, slices of ${slice} past 20,000 unindexed, pool ${pool}`,
  );
  let written = 0;
  let write = { ms: 0, max: 0 };
  let index = { ms: 0, max: 0 };
  while (written < total) {
    const now = Date.now();
    const groups: EventWriteGroup[] = Array.from({ length: 10 }, () => ({
      writes: Array.from({ length: 100 }, () =>
        packEventWrite(
          toEventWrite({ ...benchEvent(templateId, pool) }, template, {
            portalId: PORTAL_ID,
            now,
            limits: Limits,
            ids: randomIds,
          }),
        ),
      ),
      options: { autoCreateRecords: true, now },
    }));
    let started = process.cpuUsage();
    store.writeEventGroups(groups);
    let spent = cpuMs(started);
    write = { ms: write.ms + spent, max: Math.max(write.max, spent) };
    written += 1000;
    if (slice > 0 && store.unindexedEvents() > 20_000) {
      started = process.cpuUsage();
      store.indexTimeline(slice);
      spent = cpuMs(started);
      index = { ms: index.ms + spent, max: Math.max(index.max, spent) };
    }
    if (written % every === 0) {
      const per1k = (ms: number) => (ms / (every / 1000)).toFixed(1);
      console.log(
        `${String(written).padStart(8)} events: writes ${per1k(write.ms)} ms CPU per 1,000 (longest commit ${write.max.toFixed(0)} ms), index ${per1k(index.ms)} ms per 1,000 (longest slice ${index.max.toFixed(0)} ms), WAL ${walMb(db).toFixed(1)} MB`,
      );
      write = { ms: 0, max: 0 };
      index = { ms: 0, max: 0 };
    }
  }
  await store.close();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
