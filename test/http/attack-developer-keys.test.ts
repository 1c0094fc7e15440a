/**
 * Attacks with developer API keys and tokens on the template routes, between developer A (the
 * provisioned one) and developer B: a key and a token sent together (the key wins, and must own the
 * app), a key given twice or with another name's case, app ids spelt with leading zeros, signs or
 * decimals, and a key on a route that takes only tokens. None reads or changes one of B's
 * templates, and none of B's values appears in an answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ok, startTestServer, type TestResponse, type TestServer } from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';

let server: TestServer;
const b = { appId: 0, key: '', token: '', templateId: '', name: 'B confidential template' };

before(async () => {
  server = await startTestServer();
  const admin = server.credentials.adminToken;
  b.appId = Number(`8${server.appId}`);
  b.key = `b-dev-key-${server.portalId}`;
  await ok(
    await server.request('POST', '/_admin/v1/developer-accounts', {
      token: admin,
      body: { apiKey: b.key, appId: b.appId },
    }),
  );
  b.token = (
    await ok(
      await server.request('POST', '/_admin/v1/access-tokens', {
        token: admin,
        body: { portalId: server.portalId, appId: b.appId, scopes: ['developers-write', 'timeline'] },
      }),
    )
  ).json.token;
  b.templateId = (
    await ok(
      await server.request('POST', `/integrators/timeline/v3/${b.appId}/event-templates?hapikey=${b.key}`, {
        token: false,
        body: { ...webinarTemplate, name: b.name },
      }),
    )
  ).json.id;
});
after(() => server.close());

const templatesOf = (appId: string | number, query: string) =>
  `/integrators/timeline/v3/${appId}/event-templates${query}`;

async function bTemplate(): Promise<unknown> {
  const res = await server.request('GET', templatesOf(b.appId, `/${b.templateId}?hapikey=${b.key}`), {
    token: false,
  });
  return [res.status, res.json];
}

function assertNothingOfB(res: TestResponse, what: string): void {
  assert.ok(res.status >= 400, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
  for (const secret of [b.name, b.key, b.token])
    assert.ok(!res.text.includes(secret), `${what}: ${res.text}`);
}

describe("developer A's key against developer B's app", () => {
  it("a key and a token together: the key is the credential, and A's key does not own B's app", async () => {
    const before = await bTemplate();
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { ...webinarTemplate, id: b.templateId, name: 'taken over' }],
      ['DELETE', undefined],
    ] as const) {
      const path = templatesOf(b.appId, `/${b.templateId}?hapikey=${server.apiKey}`);
      const res = await server.request(method, path, { token: b.token, body });
      assertNothingOfB(res, `${method} with A's key and B's token`);
      assert.equal(res.status, 403);
    }
    assert.deepEqual(await bTemplate(), before);
  });

  it("a key given twice, empty, or under another name: refused, never read as B's", async () => {
    for (const query of [
      `?hapikey=${server.apiKey}&hapikey=${b.key}`,
      `?hapikey=${b.key}&hapikey=${server.apiKey}`,
      `?hapikey=`,
      `?HAPIKEY=${b.key}`,
      `?hapikey[]=${b.key}`,
      `?hapi%6Bey=${server.apiKey}`,
    ]) {
      const res = await server.request('GET', templatesOf(b.appId, query), { token: false });
      if (query.startsWith('?hapi%6Bey')) {
        // The escape decodes to `hapikey`: A's key, which does not own B's app.
        assert.equal(res.status, 403, `${query}: ${res.text}`);
      } else {
        assert.equal(res.status, 401, `${query}: ${res.text}`);
      }
      assertNothingOfB(res, query);
    }
  });

  it("B's app id spelt another way: leading zeros still name B's app, signs and decimals no app", async () => {
    for (const appId of [
      `0${b.appId}`,
      `00${b.appId}`,
      `+${b.appId}`,
      `${b.appId}.0`,
      `${b.appId}%20`,
      `-${b.appId}`,
    ]) {
      const res = await server.request('GET', templatesOf(appId, `?hapikey=${server.apiKey}`), {
        token: false,
      });
      assertNothingOfB(res, `app id '${appId}'`);
      assert.ok(res.status === 400 || res.status === 403, `'${appId}': ${res.status}`);
    }
    // A's own app with leading zeros is A's: the spelling changes nothing else.
    const own = await server.request('GET', templatesOf(`0${server.appId}`, `?hapikey=${server.apiKey}`), {
      token: false,
    });
    assert.equal(own.status, 200, own.text);
    assert.ok(!own.text.includes(b.name));
  });

  it('a developer key where only tokens are read (events, records, timelines) is no credential', async () => {
    for (const [method, path] of [
      ['GET', `/integrators/timeline/v3/events/${b.templateId}/any`],
      ['GET', '/crm/v3/objects/contacts'],
      ['GET', '/_timeline/v1/objects/contacts'],
    ] as const) {
      const res = await server.request(method, `${path}?hapikey=${b.key}`, { token: false });
      assert.equal(res.status, 401, `${path}: ${res.text}`);
      assertNothingOfB(res, path);
    }
  });
});
