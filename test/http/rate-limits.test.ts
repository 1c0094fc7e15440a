/**
 * HubSpot's rate limits: headers on every answer of HubSpot's routes, the 429
 * body and nothing stored over a limit, the window moving with the server's clock, per-portal
 * settings that survive a restart, a daily count a restart does not refill, and the official client
 * riding through a ten-second limit with `numberOfApiCallRetries`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { createTemplate, PREFIXES, storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testDatabase } from '../helpers/test-server.js';

const API = PREFIXES[0];
const scratch = mkdtempSync(join(tmpdir(), 'timeline-rate-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A database that outlives a server: a SQLite file, or the PostgreSQL database of the run. */
function durableDb(name: string): string {
  const db = testDatabase();
  return db === ':memory:' ? join(scratch, `${name}.db`) : db;
}

const event = (templateId: string, id: string) => ({
  eventTemplateId: templateId,
  id,
  email: `${id}@example.com`,
  tokens: { webinarName: 'Intro', webinarId: 'w1' },
});

async function withServer<T>(
  settings: Record<string, string>,
  work: (s: TestServer) => Promise<T>,
): Promise<T> {
  const server = await startTestServer(settings);
  try {
    return await work(server);
  } finally {
    await server.close();
  }
}

describe('rate limits', () => {
  it('the free profile by default: HubSpot headers on every HubSpot route, none on our own', async () => {
    await withServer({ rateLimit: 'free' }, async (server) => {
      const first = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(first.headers.get('x-hubspot-ratelimit-interval-milliseconds'), '10000');
      assert.equal(first.headers.get('x-hubspot-ratelimit-max'), '100');
      assert.equal(first.headers.get('x-hubspot-ratelimit-remaining'), '99');
      assert.equal(first.headers.get('x-hubspot-ratelimit-daily'), '250000');
      assert.equal(first.headers.get('x-hubspot-ratelimit-daily-remaining'), '249999');
      const second = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(second.headers.get('x-hubspot-ratelimit-remaining'), '98');
      const templates = await server.request(
        'GET',
        `${API}/${server.appId}/event-templates?hapikey=${server.apiKey}`,
        {
          token: false,
        },
      );
      assert.equal(templates.headers.get('x-hubspot-ratelimit-max'), '100', 'developer-key calls too');
      const health = await server.request('GET', '/_health');
      assert.equal(health.headers.get('x-hubspot-ratelimit-max'), null);
    });
  });

  it('over the window: HubSpot 429 body, nothing stored, allowed again once the clock moves 10 s', async () => {
    await withServer({ rateLimit: '3/10s' }, async (server) => {
      const template = await createTemplate(server);
      for (let i = 0; i < 3; i++) {
        const ok = await server.request('POST', `${API}/events`, { body: event(template, `ok-${i}`) });
        assert.equal(ok.status, 201, ok.text);
      }
      const refused = await server.request('POST', `${API}/events`, { body: event(template, 'refused') });
      assert.equal(refused.status, 429);
      assert.deepEqual(Object.keys(refused.json).sort(), [
        'correlationId',
        'errorType',
        'message',
        'policyName',
        'status',
      ]);
      assert.equal(refused.json.status, 'error');
      assert.equal(refused.json.message, 'You have reached your ten_secondly_rolling limit.');
      assert.equal(refused.json.errorType, 'RATE_LIMIT');
      assert.equal(refused.json.policyName, 'TEN_SECONDLY_ROLLING');
      assert.equal(refused.json.correlationId, refused.headers.get('x-hubspot-correlation-id'));
      assert.equal(refused.headers.get('x-hubspot-ratelimit-remaining'), '0');
      assert.equal(refused.headers.get('x-hubspot-ratelimit-daily'), null, 'explicit limit without a day');
      const admin = server.credentials.adminToken;
      // The operator sees the refusal on /metrics, by the limit that refused it.
      const metrics = await server.request('GET', '/metrics', { token: admin });
      assert.match(metrics.text, /^timeline_rate_limit_refusals_total\{limit="ten_secondly"\} 1$/m);
      await server.request('POST', '/_admin/v1/clock', { token: admin, body: { advanceMs: 10_000 } });
      const stored = await server.request('GET', `${API}/events/${template}/refused`);
      assert.equal(stored.status, 404, 'the refused event was not stored');
      assert.equal(stored.headers.get('x-hubspot-ratelimit-remaining'), '2');
    });
  });

  it('over the daily limit: DAILY policy; a restart does not refill the day', async () => {
    const db = durableDb('daily');
    const settings = {
      rateLimit: '100/10s,3/day',
      db,
      portalId: '771001',
      appId: '772001',
      accessToken: 'daily-token',
      developerApiKey: 'daily-key',
    };
    await withServer(settings, async (server) => {
      await server.request('POST', '/_admin/v1/reset', { token: server.credentials.adminToken });
      for (let i = 0; i < 2; i++)
        assert.equal((await server.request('GET', '/crm/v3/objects/contacts')).status, 200);
    });
    await withServer(settings, async (server) => {
      const third = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(third.status, 200);
      assert.equal(third.headers.get('x-hubspot-ratelimit-daily-remaining'), '0');
      const refused = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(refused.status, 429);
      assert.equal(refused.json.policyName, 'DAILY');
      assert.equal(refused.json.message, 'You have reached your daily limit.');
      await server.request('POST', '/_admin/v1/reset', { token: server.credentials.adminToken });
      assert.equal(
        (await server.request('GET', '/crm/v3/objects/contacts')).status,
        200,
        'reset clears counts',
      );
    });
  });

  it("the daily count resets at midnight in the portal's time zone, not at UTC midnight", async () => {
    // Pacific/Kiritimati is UTC+14 all year: its midnight is 10:00 UTC, and UTC midnight is 14:00 there.
    await withServer({ rateLimit: '100/10s,2/day', timeZone: 'Pacific/Kiritimati' }, async (server) => {
      const admin = server.credentials.adminToken;
      const advance = async (ms: number) => {
        const moved = await server.request('POST', '/_admin/v1/clock', {
          token: admin,
          body: { advanceMs: ms },
        });
        assert.equal(moved.status, 200, moved.text);
      };
      const contacts = () => server.request('GET', '/crm/v3/objects/contacts');
      const day = 86_400_000;
      const utcMidnight = Math.ceil(Date.now() / day) * day;
      await advance(utcMidnight - 30_000 - Date.now());
      assert.equal((await contacts()).status, 200);
      const last = await contacts();
      assert.equal(last.status, 200);
      assert.equal(last.headers.get('x-hubspot-ratelimit-daily-remaining'), '0');
      assert.equal((await contacts()).json.policyName, 'DAILY');
      await advance(60_000);
      const afterUtcMidnight = await contacts();
      assert.equal(afterUtcMidnight.status, 429, 'UTC midnight is 14:00 in the portal: the same day');
      assert.equal(afterUtcMidnight.json.policyName, 'DAILY');
      await advance(10 * 3_600_000);
      const nextDay = await contacts();
      assert.equal(nextDay.status, 200, "the portal's midnight (10:00 UTC) started a new day");
      assert.equal(nextDay.headers.get('x-hubspot-ratelimit-daily-remaining'), '1');
    });
  });

  it("a portal's own setting: validated, applied at once, kept across a restart, cleared with null", async () => {
    const db = durableDb('portal-setting');
    const settings = {
      rateLimit: 'free',
      db,
      portalId: '773001',
      appId: '774001',
      accessToken: 'setting-token',
      developerApiKey: 'setting-key',
    };
    await withServer(settings, async (server) => {
      const admin = server.credentials.adminToken;
      const bad = await server.request('PUT', `/_admin/v1/portals/${server.portalId}`, {
        token: admin,
        body: { rateLimit: 'lots' },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.errors[0].in, 'rateLimit');
      const put = await server.request('PUT', `/_admin/v1/portals/${server.portalId}`, {
        token: admin,
        body: { rateLimit: 'professional' },
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.json.rateLimit, 'professional');
      assert.equal(put.json.timeZone, 'UTC', 'the zone is kept');
      const response = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(response.headers.get('x-hubspot-ratelimit-max'), '190');
      assert.equal(response.headers.get('x-hubspot-ratelimit-daily'), '625000');
    });
    await withServer(settings, async (server) => {
      const response = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(response.headers.get('x-hubspot-ratelimit-max'), '190', 'kept across a restart');
      const admin = server.credentials.adminToken;
      await server.request('PUT', `/_admin/v1/portals/${server.portalId}`, {
        token: admin,
        body: { rateLimit: 'off' },
      });
      const off = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(off.headers.get('x-hubspot-ratelimit-max'), null);
      await server.request('PUT', `/_admin/v1/portals/${server.portalId}`, {
        token: admin,
        body: { rateLimit: null },
      });
      const back = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(back.headers.get('x-hubspot-ratelimit-max'), '100');
    });
  });

  it("an installed app's OAuth token: 110 per 10 s per installing account and no daily limit, whatever the plan", async () => {
    for (const plan of ['free', 'enterprise']) {
      await withServer({ rateLimit: plan }, async (server) => {
        await server.store.ensureAccessToken(
          storedToken({
            token: `oauth-rate-${plan}`,
            kind: 'app',
            portalId: server.portalId,
            appId: server.appId,
            scopes: ['crm.objects.contacts.read'],
            expiresAt: Date.now() + 600_000,
          }),
        );
        const oauth = await server.request('GET', '/crm/v3/objects/contacts', {
          token: `oauth-rate-${plan}`,
        });
        assert.equal(oauth.status, 200, oauth.text);
        assert.equal(oauth.headers.get('x-hubspot-ratelimit-interval-milliseconds'), '10000');
        assert.equal(oauth.headers.get('x-hubspot-ratelimit-max'), '110');
        assert.equal(oauth.headers.get('x-hubspot-ratelimit-remaining'), '109');
        assert.equal(oauth.headers.get('x-hubspot-ratelimit-daily'), null);
        assert.equal(oauth.headers.get('x-hubspot-ratelimit-daily-remaining'), null);
        // The portal's private-app token keeps its plan's limits.
        const own = await server.request('GET', '/crm/v3/objects/contacts');
        assert.equal(own.headers.get('x-hubspot-ratelimit-max'), plan === 'free' ? '100' : '190');
        assert.ok(own.headers.get('x-hubspot-ratelimit-daily'));
      });
    }
  });

  it('the marketplace profile has no daily limit and no daily headers', async () => {
    await withServer({ rateLimit: 'marketplace' }, async (server) => {
      const response = await server.request('GET', '/crm/v3/objects/contacts');
      assert.equal(response.headers.get('x-hubspot-ratelimit-max'), '110');
      assert.equal(response.headers.get('x-hubspot-ratelimit-daily'), null);
    });
  });

  it('the official client with numberOfApiCallRetries rides through a ten-second limit', async () => {
    await withServer({ rateLimit: '2/10s' }, async (server) => {
      const template = await createTemplate(server);
      const client = new Client({
        accessToken: server.accessToken,
        basePath: server.url,
        numberOfApiCallRetries: 3,
      });
      // The client waits 10 s (times the attempt) after a TEN_SECONDLY_ROLLING 429. To keep the test
      // quick, that wait is compressed to a moment and the server's clock is moved by the same amount:
      // on both sides the ten seconds pass.
      const realSetTimeout = globalThis.setTimeout;
      const compressed = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        if (ms !== undefined && ms >= 10_000 && new Error().stack?.includes('RetryDecorator')) {
          server.deps.clock.advance(ms);
          return realSetTimeout(callback, 1, ...args);
        }
        return realSetTimeout(callback, ms, ...args);
      }) as typeof setTimeout;
      const realConsoleError = console.error;
      const retries: string[] = [];
      globalThis.setTimeout = compressed;
      console.error = (message: string) => retries.push(message);
      try {
        const created = [];
        for (let i = 0; i < 5; i++) {
          created.push(await client.crm.timeline.eventsApi.create(event(template, `client-${i}`)));
        }
        assert.deepEqual(
          created.map((e) => e.id),
          ['client-0', 'client-1', 'client-2', 'client-3', 'client-4'],
        );
      } finally {
        globalThis.setTimeout = realSetTimeout;
        console.error = realConsoleError;
      }
      assert.ok(
        retries.some((line) => line.includes('[429]')),
        'the client met a 429 and retried',
      );
    });
  });
});
