/**
 * HubSpot's authentication answers: the 401 bodies and header, the 403 of a missing scope, and the
 * template routes taken with a Bearer token of the app (`developers-read` / `developers-write`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashSecret } from '../../src/domain/credentials/secrets.js';
import { ErrorCatalogue, errorMessage } from '../../src/errors.js';
import { PREFIXES, storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { webinarTemplateBody } from '../helpers/webinar-template.js';
import {
  assertError,
  assertMissingScopes,
  templatesApi,
  templatesPath,
  uniqueNumber,
} from './template-helpers.js';

const AUTH_NOT_FOUND =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

let test: TestServer;
/** Another app of the same developer account, and a template of it. */
let otherAppId: number;
let otherTemplateId: string;

before(async () => {
  test = await startTestServer();
  const account = await test.store.findDeveloperAccount(hashSecret(test.apiKey));
  assert.ok(account);
  otherAppId = uniqueNumber();
  await test.store.ensureApp({ id: otherAppId, developerAccountId: account.id });
  const created = await templatesApi(test, PREFIXES[0], otherAppId).post('', webinarTemplateBody());
  assert.equal(created.status, 201, created.text);
  otherTemplateId = created.json.id;
  for (const [token, scopes] of [
    // An app that writes templates asks for both (HubSpot's spec: reads need `developers-read`).
    ['dev-write', ['developers-read', 'developers-write']],
    ['dev-write-only', ['developers-write']],
    ['dev-read', ['developers-read']],
  ] as const) {
    await test.store.ensureAccessToken(
      storedToken({
        token,
        portalId: test.portalId,
        appId: test.appId,
        scopes: [...scopes],
      }),
    );
  }
});
after(() => test?.close());

describe('401 answers', () => {
  it('a missing and an unknown Bearer token both answer HubSpot INVALID_AUTHENTICATION text and header', async () => {
    for (const token of [false, 'no-such-token'] as const) {
      const res = await test.request('POST', `${PREFIXES[0]}/events`, { body: {}, token });
      assertError(res, token === false ? 'MISSING_CREDENTIALS' : 'INVALID_ACCESS_TOKEN', {
        message: AUTH_NOT_FOUND,
      });
      assert.equal(res.headers.get('x-hubspot-auth-failure'), '401 Unauthorized');
    }
  });

  it('a wrong hapikey answers "This hapikey doesn\'t exist." with the header', async () => {
    const res = await test.request('GET', templatesPath(PREFIXES[0], test.appId, '', 'wrong'), {
      token: false,
    });
    assertError(res, 'INVALID_API_KEY', { message: "This hapikey doesn't exist." });
    assert.equal(res.headers.get('x-hubspot-auth-failure'), '401 Unauthorized');
  });

  it('no answer but a 401 carries the header', async () => {
    const res = await test.request('GET', templatesPath(PREFIXES[0], test.appId, '', test.apiKey), {
      token: false,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-hubspot-auth-failure'), null);
  });
});

describe('template routes with a Bearer token of the app', () => {
  for (const prefix of PREFIXES) {
    const path = (rest = '') => templatesPath(prefix, test.appId, rest);

    it(`developers-write manages templates and tokens under ${prefix}`, async () => {
      const created = await test.request('POST', path(), { body: webinarTemplateBody(), token: 'dev-write' });
      assert.equal(created.status, 201, created.text);
      const id = created.json.id as string;
      const token = await test.request('POST', path(`/${id}/tokens`), {
        body: { name: 'extra', label: 'Extra', type: 'string' },
        token: 'dev-write',
      });
      assert.equal(token.status, 200, token.text);
      const read = await test.request('GET', path(`/${id}`), { token: 'dev-write' });
      assert.equal(read.status, 200);
      assert.ok(read.json.tokens.some((t: { name: string }) => t.name === 'extra'));
      // The same template is there for the developer key: one app, two credentials.
      assert.equal((await templatesApi(test, prefix).get(`/${id}`)).json.name, created.json.name);
      assert.equal((await test.request('DELETE', path(`/${id}`), { token: 'dev-write' })).status, 204);
    });

    it(`developers-write alone writes but cannot read under ${prefix} (the spec's security lists)`, async () => {
      const created = await test.request('POST', path(), {
        body: webinarTemplateBody(),
        token: 'dev-write-only',
      });
      assert.equal(created.status, 201, created.text);
      assertMissingScopes(await test.request('GET', path(), { token: 'dev-write-only' }), [
        'developers-read',
      ]);
      assert.equal(
        (await test.request('DELETE', path(`/${created.json.id}`), { token: 'dev-write-only' })).status,
        204,
      );
    });

    it(`developers-read reads but cannot write under ${prefix}`, async () => {
      const list = await test.request('GET', path(), { token: 'dev-read' });
      assert.equal(list.status, 200, list.text);
      assert.ok(Array.isArray(list.json.results));
      const before = list.json.results.length;
      const refused = await test.request('POST', path(), { body: webinarTemplateBody(), token: 'dev-read' });
      assertMissingScopes(refused, ['developers-write']);
      assert.equal((await test.request('GET', path(), { token: 'dev-read' })).json.results.length, before);
    });

    it(`a token of one app cannot touch another app's templates under ${prefix}`, async () => {
      const foreign = templatesPath(prefix, otherAppId, `/${otherTemplateId}`);
      for (const method of ['GET', 'DELETE']) {
        assertError(await test.request(method, foreign, { token: 'dev-write' }), 'TOKEN_APP_MISMATCH', {
          message: errorMessage('TOKEN_APP_MISMATCH', { appId: otherAppId, tokenAppId: test.appId }),
        });
      }
      // Through its own app's path the other app's template does not exist.
      const own = await test.request('GET', path(`/${otherTemplateId}`), { token: 'dev-write' });
      assertError(own, 'TEMPLATE_NOT_FOUND');
      const still = await templatesApi(test, prefix, otherAppId).get(`/${otherTemplateId}`);
      assert.equal(still.status, 200);
    });

    it(`an unknown Bearer token on a template route is a 401 under ${prefix}`, async () => {
      const res = await test.request('GET', path(), { token: 'no-such-token' });
      assertError(res, 'INVALID_ACCESS_TOKEN', { message: ErrorCatalogue.INVALID_ACCESS_TOKEN.message });
    });
  }
});
