/**
 * The reference for `bench/ingest`: bare `node:http` that reads and parses the batch body and answers
 * a HubSpot-shaped 201 echoing every input. It is the ceiling of the HTTP and JSON work on this
 * machine, so the ratio ours/reference shows what validation and storage cost.
 *
 * With `--store <file | postgres-url>` (`bench:ingest --stored-reference`) it also stores
 * each event before answering, as little as a durable store can do: one row per event (our table's
 * columns and primary key, a generated UUIDv7 id, the body re-serialised), nothing validated, no
 * contact found or made, no timeline index or activity. On SQLite: WAL, `synchronous = FULL`, the
 * requests that arrived meanwhile committed together on this one thread. On PostgreSQL: one
 * multi-row INSERT per request (its own transaction) from a pool of 10. The ratio ours/stored
 * reference is what our server adds to the bare cost of storing, and the stored reference's own
 * rate the most a store of this design could reach here.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { v7 as uuidV7 } from 'uuid';

interface Input {
  eventTemplateId?: string;
  tokens?: unknown;
  extraData?: unknown;
}

/** One row of `timeline_events`, in the table's column order. */
type Row = [number, number, string, string, number, number, number, string, string];

interface Store {
  /** Resolves once the rows are durably stored. */
  write(rows: Row[]): Promise<void>;
  close(): Promise<void>;
}

const TABLE = `CREATE TABLE IF NOT EXISTS timeline_events (
  portal_id BIGINT NOT NULL, template_id BIGINT NOT NULL, event_id TEXT NOT NULL,
  object_type TEXT NOT NULL, object_id BIGINT NOT NULL, ts BIGINT NOT NULL, created_at BIGINT NOT NULL,
  fingerprint TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (portal_id, template_id, event_id))`;

function sqliteStore(path: string): Store {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(TABLE);
  const insert = db.prepare('INSERT INTO timeline_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const commit = db.transaction((groups: Row[][]) => {
    for (const rows of groups) for (const row of rows) insert.run(row);
  });
  // Group commit: the requests parsed while a commit ran go in the next one, together.
  let waiting: { rows: Row[]; done: () => void }[] = [];
  const flush = () => {
    const group = waiting;
    waiting = [];
    commit(group.map((w) => w.rows));
    for (const w of group) w.done();
  };
  return {
    write: (rows) =>
      new Promise((done) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ rows, done });
      }),
    close: async () => {
      db.close();
    },
  };
}

async function postgresStore(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query(TABLE);
  const types = ['bigint', 'bigint', 'text', 'text', 'bigint', 'bigint', 'bigint', 'text', 'text'];
  const text = `INSERT INTO timeline_events SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
  return {
    write: async (rows) => {
      await pool.query({ name: 'insert', text, values: types.map((_, i) => rows.map((row) => row[i])) });
    },
    close: () => pool.end(),
  };
}

const { values: flags } = parseArgs({ options: { store: { type: 'string' } } });
const store = flags.store
  ? /^postgres(ql)?:\/\//.test(flags.store)
    ? await postgresStore(flags.store)
    : sqliteStore(flags.store)
  : undefined;

function answer(response: ServerResponse, payload: string): void {
  response.writeHead(201, { 'content-type': 'application/json' });
  response.end(payload);
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const now = new Date().toISOString();
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { inputs: Input[] };
    const ids = body.inputs.map((_, i) => (store ? uuidV7() : String(i)));
    const results = body.inputs.map((input, i) => ({
      ...input,
      id: ids[i],
      objectType: 'contacts',
      objectId: '1',
      timestamp: now,
      createdAt: now,
    }));
    const payload = JSON.stringify({
      status: 'COMPLETE',
      results,
      requestedAt: now,
      startedAt: now,
      completedAt: now,
      links: {},
    });
    if (!store) return answer(response, payload);
    const at = Date.now();
    const rows = body.inputs.map((input, i): Row => {
      const stored = JSON.stringify({ tokens: input.tokens, extraData: input.extraData });
      return [1, Number(input.eventTemplateId), ids[i] as string, 'contacts', 1, at, at, '', stored];
    });
    store.write(rows).then(
      () => answer(response, payload),
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error.message);
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => void store?.close().then(() => process.exit(0))));
