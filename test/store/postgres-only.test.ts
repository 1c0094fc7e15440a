/**
 * PostgreSQL only: what the other backends have no counterpart for. Connection failures must be
 * recognisable by `isStoreUnavailable` (the HTTP layer answers 503), the pool must outlive its
 * connections being killed, the schema may come from the URL's search_path, and record ids written
 * behind the sequence's back (an import) must not block new records.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { Store } from '../../src/domain/store.js';
import { isStoreUnavailable } from '../../src/domain/store-errors.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { PG_SKIP, PG_URL } from './backends.js';
import { eventWrite, T0 } from './event-writes.js';

/** Every store call must reject with an error `isStoreUnavailable` recognises. */
async function assertUnavailable(store: Store): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    ['migrate', () => store.migrate()],
    ['getMeta', () => store.getMeta('k')],
    ['findAccessToken', () => store.findAccessToken('t')],
    [
      'insertTemplate',
      () => store.insertTemplate(1, { name: 'n', objectType: 'contacts', tokens: [], createdAt: T0 }, 3),
    ],
    ['createRecord', () => store.createRecord(1, 'contacts', {}, T0)],
    ['updateRecord', () => store.updateRecord(1, 'contacts', '1', {}, T0)],
    [
      'writeEvents',
      () =>
        store.writeEvents(
          [eventWrite(1, { id: '1000001', objectType: 'contacts' }, { by: 'email', email: 'a@b.c' })],
          {
            autoCreateRecords: false,
            now: T0,
          },
        ),
    ],
    ['getEvent', () => store.getEvent(1, '1000001', 'e')],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(call(), (error: unknown) => {
      assert.ok(isStoreUnavailable(error), `${name}: ${String(error)} is not recognised as unavailable`);
      return true;
    });
  }
}

/** A local TCP server that does `onConnection` with each socket; `close()` also drops the sockets. */
async function listen(onConnection: (socket: Socket) => void): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('postgresql only', { skip: PG_URL ? false : PG_SKIP }, () => {
  const url = PG_URL as string;
  const schema = `conformance_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  after(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  test('a closed port: every call fails with an error isStoreUnavailable recognises', async () => {
    const store = new PostgresStore('postgres://postgres@127.0.0.1:1/test', { poolSize: 2 });
    try {
      await assertUnavailable(store);
    } finally {
      await store.close();
    }
  });

  test('a server that hangs up at once, and one that never answers, are unavailable too', async () => {
    const hangUp = await listen((socket) => socket.destroy());
    const silent = await listen(() => {});
    try {
      for (const { port } of [hangUp, silent]) {
        const store = new PostgresStore(`postgres://postgres@127.0.0.1:${port}/test`, {
          poolSize: 2,
          connectTimeoutMs: 200,
        });
        try {
          await assertUnavailable(store);
        } finally {
          await store.close();
        }
      }
    } finally {
      hangUp.close();
      silent.close();
    }
  });

  test("the URL's search_path (options parameter) chooses the schema", async () => {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const store = new PostgresStore(
      `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`,
      {
        poolSize: 2,
      },
    );
    try {
      await store.migrate();
      await store.setMeta('where', 'here');
      const { rows } = await admin.query(`SELECT value FROM ${schema}.meta WHERE key = 'where'`);
      assert.deepEqual(rows, [{ value: 'here' }]);
    } finally {
      await store.close();
    }
  });

  test("the schema option keeps the URL's own options", async () => {
    const application = `conformance-${randomBytes(4).toString('hex')}`;
    const options = encodeURIComponent(`-c application_name=${application}`);
    const store = new PostgresStore(`${url}${url.includes('?') ? '&' : '?'}options=${options}`, {
      poolSize: 1,
      schema,
    });
    try {
      await store.migrate();
      await store.setMeta('options', 'kept');
      const seen = await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
        application,
      ]);
      assert.equal(seen.rowCount, 1);
      const { rows } = await admin.query(`SELECT value FROM ${schema}.meta WHERE key = 'options'`);
      assert.deepEqual(rows, [{ value: 'kept' }]);
    } finally {
      await store.close();
    }
  });

  test('the pool recovers by itself when its connections are killed', async () => {
    const application = `conformance-${randomBytes(4).toString('hex')}`;
    const store = new PostgresStore(`${url}${url.includes('?') ? '&' : '?'}application_name=${application}`, {
      poolSize: 2,
      schema,
    });
    try {
      await store.migrate();
      await store.setMeta('alive', 'yes');
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [application],
      );
      assert.ok(killed.rowCount && killed.rowCount > 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The idle connections were dropped (their 'error' did not crash the process); new ones serve.
      assert.equal(await store.getMeta('alive'), 'yes');
    } finally {
      await store.close();
    }
  });

  test('records inserted with explicit ids behind the sequence do not block generated ids', async () => {
    const store = new PostgresStore(url, { poolSize: 2, schema });
    try {
      await store.migrate();
      const portalId = 77;
      await admin.query(
        `INSERT INTO ${schema}.crm_records (portal_id, object_type, id, properties, created_at, updated_at)
         SELECT $1, 'contacts', g, '{}', 0, 0 FROM generate_series(1, 50) g`,
        [portalId],
      );
      // Events by new emails first: their contacts are created a batch at a time, where collisions show.
      const writes = Array.from({ length: 3 }, (_, i) =>
        eventWrite(
          portalId,
          { id: '1000001', objectType: 'contacts' },
          { by: 'email', email: `import-${i}@example.com` },
        ),
      );
      const results = await store.writeEvents(writes, { autoCreateRecords: false, now: T0 });
      assert.ok(results.every((r) => r.ok && Number(r.event.objectId) > 50));
      const record = await store.createRecord(
        portalId,
        'contacts',
        { email: 'after-import@example.com' },
        T0,
      );
      assert.ok(record.ok && Number(record.record.id) > 50);
    } finally {
      await store.close();
    }
  });

  test('close twice is harmless', async () => {
    const store = new PostgresStore(url, { poolSize: 1, schema });
    await store.close();
    await store.close();
  });
});
