/**
 * `GET /metrics`: Prometheus text through prom-client, behind the admin token unless
 * `--metrics-public`; requests by route and status, latency, events created and rejected, store
 * write latency and size, the write queue's depth, and the rate-limit refusal counter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let templateId: string;

before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server);
});

after(async () => {
  await server?.close();
});

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('takes the admin token: none is 401, an access token is 401', async () => {
    const none = await server.request('GET', '/metrics', { token: false });
    assert.equal(none.status, 401);
    assert.equal(none.json.category, 'INVALID_AUTHENTICATION');
    const token = await server.request('GET', '/metrics');
    assert.equal(token.status, 401);
  });

  it('counts requests, events created and rejected, and store writes', async () => {
    const batch = await server.request('POST', '/integrators/timeline/v3/events/batch/create', {
      body: {
        inputs: [
          { eventTemplateId: templateId, email: 'm1@example.com', tokens: { webinarName: 'A' } },
          { eventTemplateId: templateId, email: 'm2@example.com', tokens: { webinarName: 'B' } },
          { eventTemplateId: templateId, email: 'm3@example.com', tokens: { seats: 'many' } },
        ],
      },
    });
    assert.equal(batch.status, 207, batch.text);
    const res = await server.request('GET', '/metrics', { token: server.credentials.adminToken });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = res.text;
    assert.equal(
      sample(text, 'timeline_http_requests_total', {
        method: 'POST',
        route: '/integrators/timeline/v3/events/batch/create',
        status: '207',
      }),
      1,
    );
    assert.equal(sample(text, 'timeline_events_created_total', { api: 'v3' }), 2);
    assert.equal(sample(text, 'timeline_events_rejected_total', { api: 'v3' }), 1);
    assert.ok((sample(text, 'timeline_store_write_duration_seconds_count') ?? 0) >= 1, text);
    assert.equal(sample(text, 'timeline_store_write_events_sum'), 2);
    assert.ok(
      (sample(text, 'timeline_http_request_duration_seconds_count', {
        route: '/integrators/timeline/v3/events/batch/create',
      }) ?? 0) >= 1,
    );
    assert.equal(sample(text, 'timeline_write_queue_depth', { api: 'v3' }), 0);
    assert.equal(sample(text, 'timeline_write_queue_depth', { api: 'app-events' }), 0);
    assert.match(text, /# TYPE timeline_rate_limit_refusals_total counter/);
    assert.match(text, /# TYPE timeline_process_cpu_seconds_total counter/);
  });

  it('an unknown path is counted under one label, not its own path', async () => {
    await server.request('GET', '/no/such/path/12345');
    const text = (await server.request('GET', '/metrics', { token: server.credentials.adminToken })).text;
    assert.ok(!text.includes('12345'), 'a raw path became a label');
    assert.ok(
      (sample(text, 'timeline_http_requests_total', { route: '(no route)', status: '404' }) ?? 0) >= 1,
    );
  });

  it('--metrics-public serves it without a token', async () => {
    const open = await startTestServer({ metricsPublic: 'true' });
    try {
      const res = await open.request('GET', '/metrics', { token: false });
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /timeline_http_requests_total/);
    } finally {
      await open.close();
    }
  });
});
