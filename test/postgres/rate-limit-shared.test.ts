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
});
