/**
 * Fills a stopped server's SQLite file with stored events, straight through the store (no HTTP):
 * `SqliteStore.writeEventGroups` of 500-event writes, several per commit, built with `toEventWrite`
 * and `packEventWrite` from the same kind of events the load sends, but for a disjoint pool of
 * emails (`preload-N@...`):
 * the measured load then creates its contacts exactly as on an empty database, and the only
 * difference left is the size of what is stored (1M events, their contacts, the indexes).
 */
import { randomIds } from '../../src/domain/clock.js';
import { toEventWrite } from '../../src/domain/events/v3-event-input.js';
import { Limits } from '../../src/limits.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { packEventWrite } from '../../src/store/sqlite/packed-event-write.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { benchEvent } from './bodies.js';

const BATCH = 500;
const BATCHES_PER_COMMIT = 20;

/** Writes `count` events of template `templateId` for portal `portalId`; returns events/s. */
export async function preload(
  db: string,
  portalId: number,
  templateId: string,
  count: number,
  poolSize: number,
): Promise<number> {
  const store = new SqliteStore(db);
  try {
    await store.migrate();
    const template = await store.getTemplate(templateId);
    if (!template) throw new Error(`preload: template ${templateId} not found in ${db}`);
    const started = performance.now();
    let written = 0;
    let lastReport = started;
    while (written < count) {
      const now = Date.now();
      const groups = [];
      for (let b = 0; b < BATCHES_PER_COMMIT && written < count; b++) {
        const size = Math.min(BATCH, count - written);
        const writes = Array.from({ length: size }, () =>
          packEventWrite(
            toEventWrite({ ...benchEvent(templateId, poolSize, 'preload') }, template, {
              portalId,
              now,
              limits: Limits,
              ids: randomIds,
            }),
          ),
        );
        groups.push({ writes, options: { autoCreateRecords: false, now } });
        written += size;
      }
      const results = store.writeEventGroups(groups);
      const failed = results.flat().filter((result) => !result.ok).length;
      if (failed > 0) throw new Error(`preload: ${failed} events were not stored`);
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        console.log(`  preload: ${written} / ${count} events`);
      }
    }
    const rate = count / ((performance.now() - started) / 1000);
    // A server indexes its record timelines while writes pause (sqlite-thread.ts); this store has
    // no thread, so it does that work here, as a server given quiet moments would have.
    const indexing = performance.now();
    while (store.indexTimeline(20_000) > 0);
    console.log(
      `  preload: record timelines indexed in ${((performance.now() - indexing) / 1000).toFixed(1)} s`,
    );
    return rate;
  } finally {
    await store.close();
  }
}

/**
 * The same events into a PostgreSQL database (a URL whose search_path names the schema) through
 * `PostgresStore.writeEvents`, the server's own write path: `concurrency` batches of 500 at a time.
 */
export async function preloadPostgres(
  url: string,
  portalId: number,
  templateId: string,
  count: number,
  poolSize: number,
  concurrency = 4,
): Promise<number> {
  const store = new PostgresStore(url, { poolSize: concurrency });
  try {
    await store.migrate();
    const template = await store.getTemplate(templateId);
    if (!template) throw new Error(`preload: template ${templateId} not found in ${url}`);
    const started = performance.now();
    let queued = 0;
    let lastReport = started;
    const writer = async () => {
      while (queued < count) {
        const size = Math.min(BATCH, count - queued);
        queued += size;
        const now = Date.now();
        const writes = Array.from({ length: size }, () =>
          toEventWrite({ ...benchEvent(templateId, poolSize, 'preload') }, template, {
            portalId,
            now,
            limits: Limits,
            ids: randomIds,
          }),
        );
        const results = await store.writeEvents(writes, { autoCreateRecords: false, now });
        const failed = results.filter((result) => !result.ok).length;
        if (failed > 0) throw new Error(`preload: ${failed} events were not stored`);
        if (performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          console.log(`  preload: ${queued} / ${count} events`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, writer));
    return count / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
}
