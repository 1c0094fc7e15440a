/** A fresh PostgreSQL schema for one benchmark run (dropped afterwards), so runs never see each other's data. */
import pg from 'pg';

export interface FreshPostgres {
  /** `url` with its search_path set to the new schema. */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

export async function freshPostgresSchema(url: string, prefix: string): Promise<FreshPostgres> {
  const schema = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    schema,
    drop: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
