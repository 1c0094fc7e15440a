/** `GET /`: a browser lands on the web UI; anything else reads what the server serves and where. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { API_VERSIONS } from '../../src/domain/api-versions.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ adminToken: 'admin-secret-index' });
});
after(() => server.close());

it('sends a browser to the web UI', async () => {
  const res = await server.request('GET', '/', {
    token: false,
    redirect: 'manual',
    headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/ui');
});

it('answers curl with a map of the APIs, the UI and health, without a credential', async () => {
  const res = await server.request('GET', '/', { token: false, headers: { accept: '*/*' } });
  assert.equal(res.status, 200);
  assert.equal(res.json.name, 'hubspot-timeline-server');
  assert.match(res.json.version, /^\d+\.\d+\.\d+/);
  assert.equal(res.json.ui, '/ui');
  assert.equal(res.json.health, '/_health');
  assert.deepEqual(
    res.json.apis.map((api: { version: string }) => api.version),
    API_VERSIONS.map((version) => version.name),
  );
  assert.ok(res.json.oauth.some((oauth: { prefix: string }) => oauth.prefix === '/oauth/v1'));
  // Every prefix it names is one the server answers (a 401 for no credential, not a 404).
  for (const api of res.json.apis) {
    const events = await server.request('POST', `${api.prefixes[0]}/events`, { token: false, body: {} });
    assert.notEqual(events.status, 404, `${api.prefixes[0]} answers`);
  }
});

it('is not journaled or rate limited: it is the server’s own page, not HubSpot’s', async () => {
  for (let i = 0; i < 3; i += 1) await server.request('GET', '/', { token: false });
  const journal = await server.request('GET', '/_admin/v1/requests', { token: 'admin-secret-index' });
  assert.equal(journal.status, 200);
  assert.ok(!journal.json.results.some((entry: { path: string }) => entry.path === '/'));
});
