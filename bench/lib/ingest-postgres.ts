/**
 * A fresh PostgreSQL schema for one target of `bench:ingest` (dropped afterwards), with what the
 * run reads of it: its backends' CPU (`--cpu`, found by the schema's name as `application_name`),
 * the rate-limit function calls (`--limiter-cost`, through `track_functions`) and the database's
 * deadlock count (`--stamp-every`).
 */
import pg from 'pg';
import { backendSeconds } from './cpu.js';

export interface IngestPostgres {
  /** `url` with its search_path set to the new schema. */
  url: string;
  drop(): Promise<void>;
  deadlocks(): Promise<number>;
  backends(): Promise<Map<string, number>>;
  limiterCalls(): Promise<number>;
}

let schemas = 0;

export async function freshIngestPostgres(url: string): Promise<IngestPostgres> {
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
