/**
 * A PostgreSQL schema of a test's own, created fresh and dropped afterwards, and the URL that points
 * a server at it (`?options=-c search_path=...`), so test runs sharing one database never meet.
 */
import pg from 'pg';

export interface ScratchSchema {
  name: string;
  /** The given URL with this schema as its search path (and `port` replaced when given). */
  url(port?: number): string;
  /** A connection for the test's own queries (schema-qualified: it does not use the search path). */
  admin: pg.Client;
  drop(): Promise<void>;
}

export async function scratchSchema(baseUrl: string, prefix: string): Promise<ScratchSchema> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  return {
    name,
    admin,
    url: (port) => {
      const url = new URL(baseUrl);
      if (port !== undefined) url.port = String(port);
      url.searchParams.set('options', `-c search_path=${name}`);
      return url.toString();
    },
    drop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await admin.end();
    },
  };
}
