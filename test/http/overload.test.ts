/** A full write queue answers 503 in HubSpot's envelope at once, and stores nothing of that request. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { errorMessage } from '../../src/errors.js';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let templateId: string;
before(async () => {
  server = await startTestServer({ maxPendingWrites: '1' });
  templateId = await createTemplate(server);
});
after(() => server.close());

it('answers 503 past the pending-write limit, keeps the others whole, and recovers', async () => {
  const batch = (n: number) =>
    server.request('POST', `${PREFIXES[0]}/events/batch/create`, {
      body: {
        inputs: Array.from({ length: 100 }, (_, i) => ({
          eventTemplateId: templateId,
          id: `overload-${n}-${i}`,
          email: `overload-${i}@example.com`,
          tokens: { webinarName: `W${n}` },
        })),
      },
    });
  const responses = await Promise.all(Array.from({ length: 20 }, (_, n) => batch(n)));
  const statuses = responses.map((response) => response.status);
  assert.ok(statuses.includes(201), `some batches are stored: ${statuses}`);
  assert.ok(statuses.includes(503), `some batches are refused: ${statuses}`);
  assert.deepEqual([...new Set(statuses)].sort(), [201, 503]);
  for (const [n, response] of responses.entries()) {
    if (response.status === 503) {
      assert.equal(response.json.category, 'SERVICE_UNAVAILABLE');
      assert.equal(response.json.message, errorMessage('OVERLOADED', { pending: 1 }));
    }
    // All or nothing per request: the first and the last event of each batch agree.
    for (const i of [0, 99]) {
      const read = await server.request('GET', `${PREFIXES[0]}/events/${templateId}/overload-${n}-${i}`);
      assert.equal(read.status, response.status === 201 ? 200 : 404, `batch ${n}, event ${i}`);
    }
  }
  const later = await batch(100);
  assert.equal(later.status, 201, 'a request after the burst is served');
});
