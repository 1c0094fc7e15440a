/** Placeholder until the PostgreSQL adapter lands (issue 5); refuses clearly instead of half-working. */
import type { Store } from '../store.js';

export class PostgresStore {
  constructor(_url: string, _options: { poolSize: number }) {
    throw new Error('the PostgreSQL store is not built yet; use a SQLite path for --db');
  }
}

export type PostgresStoreType = Store;
