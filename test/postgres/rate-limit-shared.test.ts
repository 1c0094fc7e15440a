/**
 * HubSpot's counts are not one process's: two servers on one PostgreSQL schema share the window, so
 * together they never allow more than the limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ScratchSchema, scratchSchema } from '../helpers/scratch-schema.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const PG_URL = process.env.TIMELINE_TEST_PG_URL;
const SKIP = PG_URL
  ? false
  : 'TIMELINE_TEST_PG_URL is not set: the shared rate-limit test is skipped (set it to run)';

describe('rate limits shared by two servers on one PostgreSQL database', { skip: SKIP }, () => {
  let schema: ScratchSchema;
  const servers: TestServer[] = [];
  before(async () => {
    schema = await scratchSchema(PG_URL as string, 'rate_shared');
    const settings = {
      db: schema.url(),
      rateLimit: '20/10s',
      portalId: '881001',
      appId: '882001',
      accessToken: 'shared-token',
      developerApiKey: 'shared-key',
    };
    servers.push(await startTestServer(settings), await startTestServer(settings));
  });
  after(async () => {
    for (const server of servers) await server.close();
    await schema?.drop();
  });

  it('allows the limit in total, not per process', async () => {
    const calls = Array.from({ length: 60 }, (_, i) =>
      (servers[i % 2] as TestServer).request('GET', '/crm/v3/objects/contacts'),
    );
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 20);
    assert.equal(statuses.filter((s) => s === 429).length, 40);
    const counted = await schema.admin.query(
      `SELECT SUM(hits)::int AS total FROM ${schema.name}.request_counts_daily WHERE portal_id = 881001`,
    );
    assert.equal(counted.rows[0].total, 20, 'the daily count is in the database');
  });

  it('with leases of many requests, still exactly the limit in total; Remaining reaches 0', async () => {
    // Both clocks past the first test's window; a portal limit large enough for leases of many.
    for (const server of servers) {
      const moved = await server.request('POST', '/_admin/v1/clock', {
        token: server.credentials.adminToken,
        body: { advanceMs: 10_000 },
      });
      assert.equal(moved.status, 200, moved.text);
    }
    const put = await (servers[0] as TestServer).request('PUT', '/_admin/v1/portals/881001', {
      token: (servers[0] as TestServer).credentials.adminToken,
      body: { rateLimit: '150/10s' },
    });
    assert.equal(put.status, 200, put.text);
    // The other process reads a portal's setting again within a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        (servers[i % 2] as TestServer).request('GET', '/crm/v3/objects/contacts'),
      ),
    );
    const allowed = answers.filter((r) => r.status === 200);
    assert.equal(allowed.length, 150);
    assert.equal(answers.filter((r) => r.status === 429).length, 250);
    const remaining = allowed.map((r) => Number(r.headers.get('x-hubspot-ratelimit-remaining')));
    assert.ok(
      remaining.every((n) => n >= 0 && n < 150),
      'Remaining is within the limit',
    );
    assert.equal(Math.min(...remaining), 0, 'the request that takes the last one sees 0');
    const counted = await schema.admin.query(
      `SELECT SUM(hits)::int AS total FROM ${schema.name}.request_counts_daily WHERE portal_id = 881001`,
    );
    assert.equal(counted.rows[0].total, 170, 'both tests counted in the database, none lost or doubled');
  });
});
