/** Picks the store adapter from the `--db` setting: a `postgres://` URL, or a SQLite path. */
import type { Config } from '../config.js';
import type { Store } from '../domain/store.js';
import { SqliteThreadClient } from './sqlite/sqlite-thread-client.js';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

export async function openStore(config: Config): Promise<Store> {
  let store: Store;
  if (isPostgresUrl(config.db)) {
    // Loaded on demand so a SQLite deployment never loads the pg driver.
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    store = new PostgresStore(config.db, { poolSize: config.pgPoolSize });
  } else {
    store = new SqliteThreadClient(config.db);
  }
  await store.migrate();
  return store;
}
