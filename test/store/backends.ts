/**
 * The backends the store conformance suite runs against: SQLite in memory, SQLite in a file, the
 * SQLite store the server runs (the same, on a worker thread, in a file), and PostgreSQL when
 * TIMELINE_TEST_PG_URL names a database (each test file run gets schemas of its own, dropped at the
 * end). Differences are capability flags, never `if (sqlite)` in a test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, type TestContext } from 'node:test';
import pg from 'pg';
import type { Store } from '../../src/domain/store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteThreadClient } from '../../src/store/sqlite/sqlite-thread-client.js';

export const PG_URL = process.env.TIMELINE_TEST_PG_URL;
export const PG_SKIP = 'TIMELINE_TEST_PG_URL is not set: PostgreSQL suite skipped (set it to run)';

/** The skip option of a case that needs two stores open at once on one database. */
export function needsSharedDatabase(backend: Backend): string | false {
  if (!backend.sharesDatabase) {
    return 'an in-memory SQLite database is private to its connection: no second store can share it';
  }
  if (!backend.concurrentStores) {
    return 'one server per SQLite file: a second store on an open file is refused (test/store/sqlite-lock.test.ts)';
  }
  return false;
}

/** One database; every `connect()` is a new store (a new connection or pool) on it, not migrated. */
export interface TestDatabase {
  connect(): Store;
}

/** Conformance cases a backend is known to fail: the case still runs, reported as TODO. */
export type KnownBug = 'template-id-reused' | 'nul-in-identifiers' | 'migrate-race';

export interface Backend {
  name: string;
  /** Why the whole backend is skipped, or false. */
  skip: string | false;
  /** Whether two stores connected to one TestDatabase see the same data (not so in memory). */
  sharesDatabase: boolean;
  /** Whether two stores may be open on one database at once (SQLite: one per file, by design). */
  concurrentStores: boolean;
  /** The database the tests of one file share; each test keeps to its own portal and app ids. */
  shared(): TestDatabase;
  /** A database of its own, empty. */
  fresh(): TestDatabase;
  /**
   * Lets the backend finish any work it defers after acknowledging writes (SQLite's per-record
   * timeline index, built behind the event log), so a test can read both before and after it.
   */
  settle(store: Store): Promise<void>;
  /** The TODO reason when this backend is known to fail that case. */
  todo(bug: KnownBug): string | undefined;
  cleanup(): Promise<void>;
}

const SQLITE_BUGS: Partial<Record<KnownBug, string>> = {};

/** Only where SQLite runs on a thread of its own can two stores' calls interleave. */
const SQLITE_WORKER_BUGS: Partial<Record<KnownBug, string>> = { ...SQLITE_BUGS };

const POSTGRES_GAPS: Partial<Record<KnownBug, string>> = {
  'nul-in-identifiers':
    'PostgreSQL text cannot hold U+0000; the domain refuses it in ids, utks and emails before any store sees it (test/domain/event-input.test.ts)',
};

function sqliteMemory(): Backend {
  const database: TestDatabase = { connect: () => new SqliteStore(':memory:') };
  return {
    name: 'sqlite :memory:',
    skip: false,
    sharesDatabase: false,
    concurrentStores: false,
    shared: () => database,
    fresh: () => database,
    settle: indexSqlite,
    todo: (bug) => SQLITE_BUGS[bug],
    cleanup: async () => {},
  };
}

/** SqliteStore used directly has no thread to index in quiet moments: index everything now. */
async function indexSqlite(store: Store): Promise<void> {
  if (!(store instanceof SqliteStore)) throw new Error('indexSqlite: not a SqliteStore');
  while (store.indexTimeline(1000) > 0);
}

/** The thread indexes once writes have paused for 20 ms; this waits for it. */
async function waitForThreadIndexing(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 150));
}

function sqliteFile(
  name: string,
  open: (path: string) => Store,
  bugs: Partial<Record<KnownBug, string>>,
  settle: (store: Store) => Promise<void>,
): Backend {
  let dir: string | undefined;
  let count = 0;
  const file = (name: string): TestDatabase => {
    dir ??= mkdtempSync(join(tmpdir(), 'timeline-store-'));
    const path = join(dir, name);
    return { connect: () => open(path) };
  };
  const shared = file('shared.db');
  return {
    name,
    skip: false,
    sharesDatabase: true,
    concurrentStores: false,
    shared: () => shared,
    fresh: () => file(`fresh-${++count}.db`),
    settle,
    todo: (bug) => bugs[bug],
    cleanup: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgres(url: string | undefined): Backend {
  const prefix = `conformance_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  const schema = (name: string): TestDatabase => {
    schemas.push(name);
    // The store creates its schema at migrate().
    return { connect: () => new PostgresStore(url as string, { poolSize: 4, schema: name }) };
  };
  const shared = url ? schema(prefix) : undefined;
  return {
    name: 'postgresql',
    skip: url ? false : PG_SKIP,
    sharesDatabase: true,
    concurrentStores: true,
    shared: () => shared as TestDatabase,
    fresh: () => schema(`${prefix}_${schemas.length}`),
    // PostgreSQL maintains its per-record index on insert: nothing is deferred.
    settle: async () => {},
    todo: (bug) => POSTGRES_GAPS[bug],
    cleanup: async () => {
      if (!url) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const name of schemas) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export function backends(): Backend[] {
  return [
    sqliteMemory(),
    sqliteFile('sqlite file', (path) => new SqliteStore(path), SQLITE_BUGS, indexSqlite),
    sqliteFile(
      'sqlite worker (file)',
      (path) => new SqliteThreadClient(path),
      SQLITE_WORKER_BUGS,
      waitForThreadIndexing,
    ),
    postgres(PG_URL),
  ];
}

/** Runs `suite` once per backend, each in a `describe` named after it (skipped with its reason). */
export function eachBackend(suite: (backend: Backend) => void): void {
  for (const backend of backends()) {
    describe(backend.name, { skip: backend.skip }, () => {
      after(() => backend.cleanup());
      suite(backend);
    });
  }
}

/** A migrated store on `database`, closed when the test ends. */
export async function openStore(t: TestContext, database: TestDatabase): Promise<Store> {
  const store = database.connect();
  t.after(() => store.close());
  await store.migrate();
  return store;
}

let idCounter = 0;

/** Portal, app and developer key values no other test of the file uses. */
export function uniqueIds(): { portalId: number; appId: number; apiKey: string; token: string } {
  idCounter += 1;
  return {
    portalId: 100_000 + idCounter,
    appId: 200_000 + idCounter,
    apiKey: `key-${idCounter}`,
    token: `token-${idCounter}`,
  };
}
