/**
 * The admin API a test suite drives: the movable clock, the request journal, fault injection and
 * reset, over HTTP, with the state seen through the public API afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let admin: string;
const API = PREFIXES[0];

before(async () => {
  server = await startTestServer();
  admin = server.credentials.adminToken;
});
after(() => server.close());
beforeEach(async () => {
  await server.request('DELETE', '/_admin/v1/faults', { token: admin });
  await server.request('DELETE', '/_admin/v1/requests', { token: admin });
  await server.request('DELETE', '/_admin/v1/clock', { token: admin });
});

const event = (templateId: string, id: string, extra: Record<string, unknown> = {}) => ({
  eventTemplateId: templateId,
  id,
  email: `${id}@example.com`,
  tokens: { webinarName: 'Intro', webinarId: 'w1' },
  ...extra,
});

describe('admin routes refuse every credential but the admin token', () => {
  for (const [method, path] of [
    ['POST', '/_admin/v1/reset'],
    ['GET', '/_admin/v1/requests'],
    ['POST', '/_admin/v1/faults'],
    ['POST', '/_admin/v1/clock'],
  ] as const) {
    it(`${method} ${path}`, async () => {
      const body = method === 'GET' ? undefined : {};
      assert.equal((await server.request(method, path, { token: false, body })).status, 401);
      assert.equal((await server.request(method, path, { body })).status, 401, 'access token');
      const withKey = await server.request(method, `${path}?hapikey=${server.apiKey}`, {
        token: false,
        body,
      });
      assert.equal(withKey.status, 401, 'developer key');
    });
  }
});

describe('movable clock', () => {
  it('moves request arrival and default event timestamps forward, and back to real time', async () => {
    const template = await createTemplate(server);
    const moved = await server.request('POST', '/_admin/v1/clock', {
      token: admin,
      body: { advanceMs: 86_400_000 },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.offsetMs, 86_400_000);
    const created = await server.request('POST', `${API}/events`, { body: event(template, 'clock-1') });
    assert.equal(created.status, 201, created.text);
    const lead = Date.parse(created.json.timestamp) - Date.now();
    assert.ok(lead > 86_000_000 && lead < 86_500_000, `timestamp is a day ahead (${lead} ms)`);
    const back = await server.request('DELETE', '/_admin/v1/clock', { token: admin });
    assert.equal(back.json.offsetMs, 0);
    const later = await server.request('POST', `${API}/events`, { body: event(template, 'clock-2') });
    assert.ok(Math.abs(Date.parse(later.json.timestamp) - Date.now()) < 60_000);
  });

  it('refuses a negative or missing advanceMs, naming it', async () => {
    for (const body of [{ advanceMs: -5 }, { advanceMs: 'x' }, { advanceMs: 1.5 }]) {
      const response = await server.request('POST', '/_admin/v1/clock', { token: admin, body });
      assert.equal(response.status, 400);
      assert.equal(response.json.errors[0].in, 'advanceMs');
    }
    const empty = await server.request('POST', '/_admin/v1/clock', { token: admin, body: {} });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.errors[0].message, 'give freeze, setTo or advanceMs');
  });
});

describe('request journal', () => {
  it('records requests newest first, with bodies, error bodies, caller and no secrets', async () => {
    const template = await createTemplate(server);
    await server.request('POST', `${API}/events`, { body: event(template, 'journal-1') });
    const bad = await server.request('POST', `${API}/events`, { body: { eventTemplateId: template } });
    assert.equal(bad.status, 400);
    const { json } = await server.request('GET', '/_admin/v1/requests', { token: admin });
    const [last, created, templateCall] = json.results;
    assert.equal(last.status, 400);
    assert.equal(last.method, 'POST');
    assert.equal(last.path, `${API}/events`);
    assert.equal(last.portalId, server.portalId);
    assert.equal(last.correlationId, bad.json.correlationId);
    assert.deepEqual(JSON.parse(last.responseBody), bad.json);
    assert.equal(created.status, 201);
    assert.equal(JSON.parse(created.requestBody).id, 'journal-1');
    assert.equal(created.responseBody, undefined, 'only error bodies are kept');
    assert.ok(typeof created.durationMs === 'number' && !Number.isNaN(Date.parse(created.time)));
    assert.match(templateCall.path, /\?hapikey=\[REDACTED\]$/);
    const everything = JSON.stringify(json);
    for (const secret of [server.accessToken, server.apiKey, admin]) {
      assert.ok(!everything.includes(secret), 'no credential in the journal');
    }
  });

  it('filters by path (prefix or glob), method, status, portalId and limit; DELETE clears it', async () => {
    const template = await createTemplate(server);
    for (const id of ['f1', 'f2', 'f3'])
      await server.request('POST', `${API}/events`, { body: event(template, id) });
    await server.request('GET', `${API}/events/${template}/f1`);
    const list = async (query: string) =>
      (await server.request('GET', `/_admin/v1/requests?${query}`, { token: admin })).json.results;
    assert.equal((await list('method=get')).length, 1);
    assert.equal((await list(`path=${API}/events&method=POST`)).length, 3);
    assert.equal((await list('path=/**/event-templates')).length, 1);
    assert.equal((await list('status=201')).length, 4);
    assert.equal((await list(`portalId=${server.portalId}`)).length, 4);
    assert.equal((await list('limit=2')).length, 2);
    const badLimit = await server.request('GET', '/_admin/v1/requests?limit=0', { token: admin });
    assert.equal(badLimit.status, 400);
    assert.equal(badLimit.json.errors[0].in, 'limit');
    assert.equal((await server.request('DELETE', '/_admin/v1/requests', { token: admin })).status, 204);
    assert.equal((await list('')).length, 0);
  });

  it('keeps at most --journal-size entries and cuts long bodies', async () => {
    const small = await startTestServer({ journalSize: '3' });
    try {
      const template = await createTemplate(small);
      for (let i = 0; i < 5; i++) await small.request('GET', `${API}/events/${template}/missing-${i}`);
      const big = await small.request('POST', `${API}/events`, {
        body: event(template, 'big', { extraData: { blob: 'x'.repeat(10_000) } }),
      });
      assert.equal(big.status, 201);
      const { results } = (
        await small.request('GET', '/_admin/v1/requests', { token: small.credentials.adminToken })
      ).json;
      assert.equal(results.length, 3);
      assert.equal(results[0].requestBody.length, 4096);
      assert.equal(results[0].truncated, true);
      assert.equal(results[2].path, `${API}/events/${template}/missing-3`);
    } finally {
      await small.close();
    }
  });
});

describe('fault injection', () => {
  it('answers the next `times` matching requests with HubSpot bodies, stores nothing, then lets requests through', async () => {
    const template = await createTemplate(server);
    const added = await server.request('POST', '/_admin/v1/faults', {
      token: admin,
      body: { match: { method: 'POST', path: `${API}/events` }, status: 503, times: 2 },
    });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.json.remaining, 2);
    for (let i = 0; i < 2; i++) {
      const faulted = await server.request('POST', `${API}/events`, { body: event(template, 'faulted') });
      assert.equal(faulted.status, 503);
      assert.equal(faulted.json.status, 'error');
      assert.equal(faulted.json.category, 'SERVICE_UNAVAILABLE');
      assert.equal(faulted.json.correlationId, faulted.headers.get('x-hubspot-correlation-id'));
    }
    assert.equal(
      (await server.request('GET', `${API}/events/${template}/faulted`)).status,
      404,
      'nothing stored',
    );
    assert.equal(
      (await server.request('POST', `${API}/events`, { body: event(template, 'faulted') })).status,
      201,
    );
    assert.deepEqual((await server.request('GET', '/_admin/v1/faults', { token: admin })).json.results, []);
    const journal = (await server.request('GET', '/_admin/v1/requests?status=503', { token: admin })).json
      .results;
    assert.equal(journal.length, 2);
    assert.equal(journal[0].faultId, added.json.id);
  });

  it('answers 429 as HubSpot rate limits, 500 as JSON, 502 and 504 as the gateway page', async () => {
    const template = await createTemplate(server);
    const path = `${API}/events/${template}/x`;
    for (const status of [429, 500, 502, 504]) {
      await server.request('POST', '/_admin/v1/faults', {
        token: admin,
        body: { match: { path }, status, times: 1 },
      });
      const response = await server.request('GET', path);
      assert.equal(response.status, status);
      if (status === 429) {
        assert.equal(response.json.errorType, 'RATE_LIMIT');
        assert.equal(response.json.policyName, 'TEN_SECONDLY_ROLLING');
        assert.equal(response.json.message, 'You have reached your ten_secondly_rolling limit.');
      } else if (status === 500) {
        assert.equal(response.json.category, 'INTERNAL_ERROR');
      } else {
        assert.match(response.headers.get('content-type') ?? '', /text\/html/);
        assert.match(response.text, new RegExp(`<h1>${status}`));
      }
    }
  });

  it('matches a portal, waits delayMs, and can be removed by id', async () => {
    const slow = await server.request('POST', '/_admin/v1/faults', {
      token: admin,
      body: { match: { portalId: server.portalId }, delayMs: 300 },
    });
    const other = await server.request('POST', '/_admin/v1/faults', {
      token: admin,
      body: { match: { portalId: 1 }, status: 500 },
    });
    const started = Date.now();
    const response = await server.request('GET', '/crm/v3/objects/contacts');
    assert.equal(response.status, 200, 'the fault of another portal does not apply');
    assert.ok(Date.now() - started >= 290, 'the delay applied');
    assert.equal(
      (await server.request('DELETE', `/_admin/v1/faults/${slow.json.id}`, { token: admin })).status,
      204,
    );
    assert.equal(
      (await server.request('DELETE', `/_admin/v1/faults/${slow.json.id}`, { token: admin })).status,
      404,
    );
    const left = (await server.request('GET', '/_admin/v1/faults', { token: admin })).json.results;
    assert.deepEqual(
      left.map((f: { id: string }) => f.id),
      [other.json.id],
    );
  });

  it('fires with a probability, the same requests for the same seed', async () => {
    const run = async () => {
      await server.request('DELETE', '/_admin/v1/faults', { token: admin });
      await server.request('POST', '/_admin/v1/faults', {
        token: admin,
        body: { match: { path: '/crm/v3/objects/*' }, status: 502, probability: 0.5, seed: 42 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await server.request('GET', '/crm/v3/objects/contacts')).status);
      return statuses;
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes(502) && first.includes(200), `a mix: ${first.join(',')}`);
  });

  it('refuses a bad fault, naming every bad field', async () => {
    const response = await server.request('POST', '/_admin/v1/faults', {
      token: admin,
      body: { match: { path: 'no-slash', portalId: -1 }, status: 418, probability: 2, times: 0 },
    });
    assert.equal(response.status, 400);
    const fields = response.json.errors.map((e: { in: string }) => e.in).sort();
    assert.deepEqual(fields, ['match.path', 'match.portalId', 'probability', 'status', 'times']);
  });
});

describe('reset', () => {
  it('empties templates, events, records, tokens, journal and faults; the start credentials still work', async () => {
    const own = await startTestServer();
    const token = own.credentials.adminToken;
    try {
      const template = await createTemplate(own);
      assert.equal((await own.request('POST', `${API}/events`, { body: event(template, 'r1') })).status, 201);
      const extra = await own.request('POST', '/_admin/v1/access-tokens', {
        token,
        body: { portalId: own.portalId, appId: own.appId, token: `extra-${own.portalId}` },
      });
      assert.equal(extra.status, 201);
      await own.request('POST', '/_admin/v1/faults', {
        token,
        body: { match: { path: '/nothing' }, status: 500 },
      });
      const started = Date.now();
      const reset = await own.request('POST', '/_admin/v1/reset', { token });
      assert.equal(reset.status, 200, reset.text);
      assert.ok(Date.now() - started < 2000, 'reset is quick');
      const templates = await own.request(
        'GET',
        `${API}/${own.appId}/event-templates?hapikey=${own.apiKey}`,
        {
          token: false,
        },
      );
      assert.equal(templates.status, 200, 'the start developer key still works');
      assert.deepEqual(templates.json.results, []);
      const contacts = await own.request('GET', '/crm/v3/objects/contacts');
      assert.equal(contacts.status, 200, 'the start access token still works');
      assert.deepEqual(contacts.json.results, []);
      assert.equal(
        (await own.request('GET', '/crm/v3/objects/contacts', { token: `extra-${own.portalId}` })).status,
        401,
      );
      assert.deepEqual((await own.request('GET', '/_admin/v1/faults', { token })).json.results, []);
      const journal = (await own.request('GET', '/_admin/v1/requests', { token })).json.results;
      assert.equal(journal.length, 3, 'only the requests made since the reset');
    } finally {
      await own.close();
    }
  });

  it('resets one portal: its records and tokens go, another portal and the templates stay', async () => {
    const own = await startTestServer();
    const token = own.credentials.adminToken;
    try {
      const template = await createTemplate(own);
      const otherPortal = own.portalId + 1_000_000_000;
      await own.request('PUT', `/_admin/v1/portals/${otherPortal}`, { token, body: {} });
      await own.request('POST', '/_admin/v1/access-tokens', {
        token,
        body: { portalId: otherPortal, appId: own.appId, token: `other-${otherPortal}` },
      });
      await own.request('POST', `${API}/events`, { body: event(template, 'mine') });
      await own.request('POST', `${API}/events`, {
        body: event(template, 'theirs'),
        token: `other-${otherPortal}`,
      });
      const reset = await own.request('POST', '/_admin/v1/reset', {
        token,
        body: { portalId: own.portalId },
      });
      assert.equal(reset.status, 200, reset.text);
      assert.equal((await own.request('GET', `${API}/events/${template}/mine`)).status, 404);
      const theirs = await own.request('GET', `${API}/events/${template}/theirs`, {
        token: `other-${otherPortal}`,
      });
      assert.equal(theirs.status, 200, 'the other portal keeps its events');
      const bad = await own.request('POST', '/_admin/v1/reset', { token, body: { portalId: 'x' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.errors[0].in, 'portalId');
    } finally {
      await own.close();
    }
  });
});
