/**
 * The server's clock over the admin API: frozen, set to an instant (forward and back), advanced
 * while frozen, resumed, back to real time; and everything time-dependent following it: the
 * timestamps the server fills, the journal's times, rate-limit windows and the daily count at the
 * portal's midnight, OAuth token and authorization-code expiry. Moving back is pinned as
 * docs/testing.md states it.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

const API = PREFIXES[0];
let server: TestServer;
let admin: string;
let template: string;

before(async () => {
  server = await startTestServer({
    oauthClientId: 'clock-client',
    oauthClientSecret: 'clock-secret',
    oauthRedirectUri: 'https://app.example.com/callback',
    oauthTokenTtl: '60',
    // A test harness's: /oauth/authorize approves the provisioned app on its portal at once.
    oauthAutoApprove: 'true',
  });
  admin = server.credentials.adminToken;
  template = await createTemplate(server);
});
after(() => server.close());
beforeEach(async () => {
  await server.request('DELETE', '/_admin/v1/clock', { token: admin });
});

const setClock = async (body: Record<string, unknown>) => {
  const response = await server.request('POST', '/_admin/v1/clock', { token: admin, body });
  assert.equal(response.status, 200, response.text);
  return response.json as { now: string; frozen: boolean; offsetMs: number };
};

const createEvent = async (id: string) => {
  const response = await server.request('POST', `${API}/events`, {
    body: {
      eventTemplateId: template,
      id,
      email: `${id}@example.com`,
      tokens: { webinarName: 'A', webinarId: 'w' },
    },
  });
  assert.equal(response.status, 201, response.text);
  return response.json as { timestamp: string; createdAt: string };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a clock that stops and is set', () => {
  it('freezes: time stands still for every request until advanced or resumed', async () => {
    const frozen = await setClock({ setTo: '2030-01-15T10:00:00Z', freeze: true });
    assert.deepEqual(
      { now: frozen.now, frozen: frozen.frozen },
      { now: '2030-01-15T10:00:00.000Z', frozen: true },
    );
    const first = await createEvent('frozen-1');
    await sleep(30);
    const second = await createEvent('frozen-2');
    assert.equal(first.timestamp, '2030-01-15T10:00:00.000Z');
    assert.equal(second.timestamp, first.timestamp, 'no time passed');
    assert.equal((await server.request('GET', '/_admin/v1/clock', { token: admin })).json.now, frozen.now);
    const advanced = await setClock({ advanceMs: 90_000 });
    assert.equal(advanced.now, '2030-01-15T10:01:30.000Z', 'advanced exactly, still frozen');
    assert.equal(advanced.frozen, true);
    const resumed = await setClock({ freeze: false });
    assert.equal(resumed.frozen, false);
    await sleep(30);
    const running = Date.parse((await createEvent('resumed')).timestamp);
    assert.ok(
      running > Date.parse(advanced.now) && running < Date.parse(advanced.now) + 5_000,
      'runs on from there',
    );
    const real = await server.request('DELETE', '/_admin/v1/clock', { token: admin });
    assert.equal(real.json.frozen, false);
    assert.ok(Math.abs(Date.parse(real.json.now) - Date.now()) < 5_000);
  });

  it('the journal records times by the server clock', async () => {
    await setClock({ setTo: '2031-06-01T00:00:00Z', freeze: true });
    await server.request('GET', '/crm/v3/objects/contacts');
    const [entry] = (await server.request('GET', '/_admin/v1/requests?limit=1', { token: admin })).json
      .results;
    assert.equal(entry.time, '2031-06-01T00:00:00.000Z');
  });

  it('moving back: stored events keep their times, new ones get the earlier time', async () => {
    await setClock({ setTo: '2032-03-01T12:00:00Z', freeze: true });
    await createEvent('later');
    await setClock({ setTo: '2032-02-01T12:00:00Z' });
    const earlier = await createEvent('earlier');
    assert.equal(earlier.timestamp, '2032-02-01T12:00:00.000Z');
    const kept = await server.request('GET', `${API}/events/${template}/later`);
    assert.equal(kept.json.timestamp, '2032-03-01T12:00:00.000Z', 'a stored event is not rewritten');
  });

  it('refuses what is not a clock change, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ setTo: 'tomorrow' }, 'setTo'],
      [{ setTo: '0001-01-01T00:00:00Z' }, 'setTo'],
      [{ freeze: 'yes' }, 'freeze'],
      [{ advanceMs: -1 }, 'advanceMs'],
      [{ rewind: 5 }, 'rewind'],
    ];
    for (const [body, field] of cases) {
      const response = await server.request('POST', '/_admin/v1/clock', { token: admin, body });
      assert.equal(response.status, 400, JSON.stringify(body));
      const fields = response.json.errors.map((e: { in: string }) => e.in);
      assert.ok(fields.includes(field), `${JSON.stringify(body)}: ${fields.join(', ')}`);
    }
  });
});

describe('rate limits follow the clock', () => {
  const list = (token = server.accessToken) => server.request('GET', '/crm/v3/objects/contacts', { token });

  it('a frozen clock keeps the window: requests never age out until the clock moves', async () => {
    const portal = server.portalId;
    await server.request('PUT', `/_admin/v1/portals/${portal}`, {
      token: admin,
      body: { rateLimit: '2/10s' },
    });
    try {
      await setClock({ setTo: '2033-01-01T00:00:00Z', freeze: true });
      assert.equal((await list()).status, 200);
      assert.equal((await list()).status, 200);
      await sleep(1100);
      assert.equal((await list()).status, 429, 'real time passing does not free the window');
      await setClock({ advanceMs: 10_000 });
      assert.equal((await list()).status, 200);
    } finally {
      await server.request('PUT', `/_admin/v1/portals/${portal}`, {
        token: admin,
        body: { rateLimit: null },
      });
    }
  });

  it('the daily count resets at midnight in the portal zone, and a day moved back to counts on', async () => {
    const portalId = server.portalId + 2_000_000_000;
    const token = `clock-daily-${portalId}`;
    await server.request('PUT', `/_admin/v1/portals/${portalId}`, {
      token: admin,
      body: { timeZone: 'America/New_York', rateLimit: '100/10s,3/day' },
    });
    await server.request('POST', '/_admin/v1/access-tokens', {
      token: admin,
      body: { portalId, appId: server.appId, token },
    });
    // 23:59 in New York on 1 March (04:59 UTC on 2 March).
    await setClock({ setTo: '2034-03-02T04:59:00Z', freeze: true });
    for (let i = 0; i < 3; i++) assert.equal((await list(token)).status, 200);
    const refused = await list(token);
    assert.equal(refused.status, 429);
    assert.equal(refused.json.policyName, 'DAILY');
    await setClock({ setTo: '2034-03-02T05:00:00Z' });
    const nextDay = await list(token);
    assert.equal(nextDay.status, 200, 'midnight in New York, though not in UTC');
    assert.equal(nextDay.headers.get('x-hubspot-ratelimit-daily-remaining'), '2');
    // Back to the first day (a minute later, a new window): its count is where it was.
    await setClock({ setTo: '2034-03-02T04:59:30Z' });
    assert.equal((await list(token)).json.policyName, 'DAILY');
  });
});

describe('OAuth expiry follows the clock', () => {
  const redirect = 'https://app.example.com/callback';
  const authorize = async () => {
    const query = new URLSearchParams({
      client_id: 'clock-client',
      redirect_uri: redirect,
      scope: 'oauth timeline',
      auto_approve: '1',
    });
    const response = await fetch(`${server.url}/oauth/authorize?${query}`, { redirect: 'manual' });
    return new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
  };
  const exchange = async (code: string) => {
    const response = await fetch(`${server.url}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'clock-client',
        client_secret: 'clock-secret',
        redirect_uri: redirect,
        code,
      }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, string> };
  };

  it('an access token expires when the clock passes its lifetime; a code after ten minutes', async () => {
    await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
      token: admin,
      body: hsmeta(),
    });
    await setClock({ setTo: '2035-01-01T00:00:00Z', freeze: true });
    const issued = await exchange(await authorize());
    assert.equal(issued.status, 200, JSON.stringify(issued.json));
    let n = 0;
    const read = () =>
      server.request('POST', '/integrators/timeline/2026-03/events/batch', {
        token: issued.json.access_token,
        body: {
          inputs: [
            {
              eventTypeName: 'course_enrollment',
              id: `clock-${++n}`,
              email: 'o@example.com',
              properties: { format: 'live' },
            },
          ],
        },
      });
    assert.equal((await read()).status, 200);
    await setClock({ advanceMs: 61_000 });
    const expired = await read();
    assert.equal(expired.status, 401);
    assert.equal(expired.json.category, 'EXPIRED_AUTHENTICATION');
    const code = await authorize();
    await setClock({ advanceMs: 11 * 60_000 });
    assert.equal((await exchange(code)).json.status, 'EXPIRED_AUTH_CODE');
  });
});
