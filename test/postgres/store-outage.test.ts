/**
 * The database goes away and comes back: requests meanwhile get a 503 in HubSpot's envelope (no
 * driver error leaks), and the server serves again by itself once the database is back. PostgreSQL
 * is reached through a TCP proxy the test can cut.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CuttableProxy } from '../helpers/cuttable-proxy.js';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { type ScratchSchema, scratchSchema } from '../helpers/scratch-schema.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const PG_URL = process.env.TIMELINE_TEST_PG_URL;
const SKIP = PG_URL
  ? false
  : 'TIMELINE_TEST_PG_URL is not set: the PostgreSQL outage test is skipped (set it to run)';

describe('PostgreSQL outage', () => {
  let schema: ScratchSchema;
  let proxy: CuttableProxy;
  let server: TestServer;
  let templateId: string;

  before(async () => {
    if (!PG_URL) return;
    schema = await scratchSchema(PG_URL, 'outage');
    proxy = CuttableProxy.to(PG_URL);
    await proxy.start();
    server = await startTestServer({ db: schema.url(proxy.port) });
    templateId = await createTemplate(server);
  });

  after(async () => {
    if (!PG_URL) return;
    await server?.close();
    await proxy?.cut().catch(() => {});
    await schema.drop();
  });

  const send = () =>
    server.request('POST', `${PREFIXES[0]}/events/batch/create`, {
      body: { inputs: [{ eventTemplateId: templateId, email: 'outage@example.com', tokens: {} }] },
    });

  it('answers 503 while the database is unreachable, then recovers by itself', { skip: SKIP }, async () => {
    assert.equal((await send()).status, 201);
    await proxy.cut();
    const during = await send();
    assert.equal(during.status, 503, during.text);
    assert.equal(during.json.status, 'error');
    assert.equal(during.json.category, 'SERVICE_UNAVAILABLE');
    assert.doesNotMatch(
      during.text,
      /ECONNREFUSED|Connection terminated|pg|postgres/i,
      'no driver detail leaks',
    );
    assert.equal(during.headers.get('x-hubspot-correlation-id'), during.json.correlationId);

    await proxy.start();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 201; attempt++) {
      status = (await send()).status;
      if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 201, 'served again once the database is back');
  });
});
