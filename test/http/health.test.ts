/** `GET /_health` answers for the store, not just the process. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { SqliteThreadClient } from '../../src/store/sqlite/sqlite-thread-client.js';

it('answers ok while the store works, and 503 in HubSpot envelope once it is down', async () => {
  const store = new SqliteThreadClient(':memory:');
  await store.migrate();
  const server = await startServer(loadConfig({ port: '0', db: ':memory:', logLevel: 'silent' }), { store });
  try {
    const up = await fetch(`${server.url}/_health`);
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { status: 'ok' });
    await store.close(); // the database goes away under a running server
    const down = await fetch(`${server.url}/_health`);
    assert.equal(down.status, 503);
    const body = (await down.json()) as { status: string; category: string; correlationId: string };
    assert.equal(body.status, 'error');
    assert.equal(typeof body.correlationId, 'string');
    assert.equal(down.headers.get('x-hubspot-correlation-id'), body.correlationId);
  } finally {
    await server.close();
  }
});
