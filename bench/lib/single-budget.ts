/**
 * Where the time of one single create goes: the disk's fsync latency, measured beside the
 * store's own write of one event (statements, commit, fsync) and one round trip to the SQLite
 * thread, all on the same disk in the same run; what the HTTP measurement leaves is the HTTP thread's
 * part (read, route, auth, parse, validate, answer). Medians of `samples` sequential operations.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { randomIds } from '../../src/domain/clock.js';
import { toEventWrite } from '../../src/domain/events/v3-event-input.js';
import type { EventTemplate } from '../../src/domain/types.js';
import { Limits } from '../../src/limits.js';
import { packEventWrite } from '../../src/store/sqlite/packed-event-write.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteThreadClient } from '../../src/store/sqlite/sqlite-thread-client.js';
import { benchEvent, TEMPLATE } from './bodies.js';
import { median, percentile } from './stats.js';

export interface Timing {
  p50: number;
  p99: number;
}

export interface SingleBudget {
  /** 4 KiB written into a file, then fsync: the disk's own figure. */
  fsync: Timing;
  /**
   * What a durable commit waits for the disk: a one-row SQLite update committed with
   * `synchronous = FULL` less the same with `OFF` (WAL, medians, samples alternating).
   */
  commitSync: number;
  /** One event written through SqliteStore on the calling thread: statements, commit, fsync. */
  storeWrite: Timing;
  /** A call to the SQLite thread and its answer (an uncached read): the crossing, both ways. */
  threadRoundTrip: Timing;
}

async function timed(samples: number, work: () => unknown): Promise<Timing> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await work();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: median(ms), p99: percentile(ms, 99) };
}

export async function measureSingleBudget(dir: string, name: string, samples = 100): Promise<SingleBudget> {
  // Like a WAL that is reused after each checkpoint: pages rewritten in a file of fixed size, so
  // the fsync does not also pay for growing the file.
  const fd = openSync(join(dir, `${name}-fsync-probe`), 'w');
  const page = Buffer.alloc(4096, 7);
  for (let i = 0; i < 64; i++) writeSync(fd, page, 0, page.length, i * page.length);
  fsyncSync(fd);
  let at = 0;
  const fsync = await timed(samples, () => {
    writeSync(fd, page, 0, page.length, (at++ % 64) * page.length);
    fsyncSync(fd);
  });
  closeSync(fd);

  const probe = new Database(join(dir, `${name}-commit-probe.db`));
  probe.pragma('journal_mode = WAL');
  probe.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (0)');
  const update = probe.prepare('UPDATE t SET x = x + 1');
  const full: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < samples; i++) {
    for (const [mode, times] of [
      ['FULL', full],
      ['OFF', off],
    ] as const) {
      probe.pragma(`synchronous = ${mode}`);
      const started = performance.now();
      update.run();
      times.push(performance.now() - started);
    }
  }
  probe.close();
  const commitSync = median(full) - median(off);

  const store = new SqliteStore(join(dir, `${name}-budget-store.db`));
  await store.migrate();
  const now = Date.now();
  const tokens = TEMPLATE.tokens.map((t) => ({
    ...t,
    options: 'options' in t ? t.options.map((o) => ({ ...o })) : [],
    createdAt: now,
    updatedAt: now,
  }));
  const template = (await store.insertTemplate(
    1,
    { name: TEMPLATE.name, objectType: TEMPLATE.objectType, createdAt: now, tokens },
    750,
  )) as EventTemplate;
  const storeWrite = await timed(samples, () => {
    const { email, tokens, extraData } = benchEvent(template.id, 100_000);
    const write = toEventWrite({ eventTemplateId: template.id, email, tokens, extraData }, template, {
      portalId: 1,
      now: Date.now(),
      limits: Limits,
      ids: randomIds,
    });
    store.writeEventGroups([{ writes: [packEventWrite(write)], options: { autoCreateRecords: false, now } }]);
  });
  await store.close();

  const client = new SqliteThreadClient(join(dir, `${name}-budget-thread.db`));
  await client.migrate();
  const threadRoundTrip = await timed(samples, () => client.getMeta('budget'));
  await client.close();
  return { fsync, commitSync, storeWrite, threadRoundTrip };
}

const timing = (values: Timing[]): Timing => ({
  p50: median(values.map((t) => t.p50)),
  p99: median(values.map((t) => t.p99)),
});

/** Medians over rounds of each part. */
export function medianBudget(budgets: SingleBudget[]): SingleBudget {
  return {
    fsync: timing(budgets.map((b) => b.fsync)),
    commitSync: median(budgets.map((b) => b.commitSync)),
    storeWrite: timing(budgets.map((b) => b.storeWrite)),
    threadRoundTrip: timing(budgets.map((b) => b.threadRoundTrip)),
  };
}

/**
 * The budget's lines: each part's median, and with the single create's HTTP p50, what it leaves to
 * the HTTP thread (negative when the disk was slower while the budget was timed than during the
 * single creates: read the parts, not the rest, then).
 */
export function budgetLines(b: SingleBudget, singleP50?: number): string[] {
  const f = (t: number) => `${t.toFixed(3)} ms`;
  const statements = b.storeWrite.p50 - b.commitSync;
  const parts = [
    `fsync of this disk (4 KiB write + fsync): p50 ${f(b.fsync.p50)}, p99 ${f(b.fsync.p99)}`,
    `fsync inside a SQLite commit (one-row commit, synchronous FULL less OFF): ${f(b.commitSync)}`,
    `store write of one event in-process (statements, commit, fsync): p50 ${f(b.storeWrite.p50)}`,
    `round trip to the SQLite thread (a bare call): p50 ${f(b.threadRoundTrip.p50)}`,
  ];
  if (singleP50 === undefined) return parts;
  const http = singleP50 - b.storeWrite.p50 - b.threadRoundTrip.p50;
  return [
    ...parts,
    `single create p50 ${f(singleP50)} = HTTP thread (read, route, auth, parse, validate, answer: the rest) ${f(http)}` +
      ` + crossing to the SQLite thread and back ${f(b.threadRoundTrip.p50)}` +
      ` + write (statements and commit) ${f(statements)} + fsync ${f(b.commitSync)}`,
    `the commit's fsync alone is ${(b.commitSync / singleP50).toFixed(2)}x the single create p50`,
  ];
}
