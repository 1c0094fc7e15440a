/**
 * The stored reference of `bench:ingest --stored-reference` (bench/reference-server.ts --store): every
 * event it answers 201 for is a row in the database once the answer has come, on SQLite and (when
 * TIMELINE_TEST_PG_URL is set) on PostgreSQL; the figures it gives are only worth quoting if so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freshPostgresSchema } from '../../bench/lib/fresh-postgres.js';
import { startProcess } from '../../bench/lib/processes.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'bench', 'reference-server.js');
const PG_URL = process.env.TIMELINE_TEST_PG_URL;

/** Sends `batches` batches of `size` events at once; answers the ids of the events answered 201. */
async function sendBatches(url: string, batches: number, size: number): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: batches }, async (_, b) => {
      const inputs = Array.from({ length: size }, (_, i) => ({
        eventTemplateId: '1000001',
        email: `p-${b}-${i}@example.com`,
        tokens: { webinarName: `W ${b}/${i}` },
        extraData: { n: i },
      }));
      const response = await fetch(`${url}/integrators/timeline/v3/events/batch/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs }),
      });
      assert.equal(response.status, 201);
      const body = (await response.json()) as { results: { id: string }[] };
      assert.equal(body.results.length, size);
      return body.results.map((r) => r.id);
    }),
  );
  return answers.flat();
}

it('stores on SQLite every event it acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stored-reference-'));
  const file = join(dir, 'ref.db');
  try {
    const server = await startProcess(process.execPath, [SCRIPT, '--store', file]);
    let ids: string[];
    try {
      ids = await sendBatches(server.url, 8, 25);
    } finally {
      await server.stop();
    }
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT event_id, body FROM timeline_events').all() as {
      event_id: string;
      body: string;
    }[];
    db.close();
    assert.deepEqual(rows.map((r) => r.event_id).sort(), [...ids].sort());
    assert.equal(new Set(ids).size, 200);
    assert.match(rows[0]?.body ?? '', /"tokens":\{"webinarName":"W /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('stores on PostgreSQL every event it acknowledged', {
  skip: PG_URL ? false : 'TIMELINE_TEST_PG_URL not set',
}, async () => {
  const schema = await freshPostgresSchema(PG_URL as string, 'stored_ref');
  try {
    const server = await startProcess(process.execPath, [SCRIPT, '--store', schema.url]);
    let ids: string[];
    try {
      ids = await sendBatches(server.url, 8, 25);
    } finally {
      await server.stop();
    }
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    const { rows } = await client.query<{ event_id: string }>('SELECT event_id FROM timeline_events');
    await client.end();
    assert.deepEqual(rows.map((r) => r.event_id).sort(), [...ids].sort());
  } finally {
    await schema.drop();
  }
});
