/**
 * Attacks on OAuth between two apps' clients on one server: client B (another developer's app)
 * holding what was issued to client A (the provisioned app) — its authorization code, its id with
 * B's secret — and asking for tokens it was never granted (client credentials for a portal that
 * does not trust B). B gets nothing, learns nothing of A's grant, and A's tokens still work.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashSecret } from '../../src/domain/credentials/secrets.js';
import type { TestServer } from '../helpers/test-server.js';
import {
  ADMIN,
  authorizeCode,
  CLIENT,
  codeGrant,
  oauthPost,
  REDIRECT,
  startOAuthServer,
} from './oauth-helpers.js';

let server: TestServer;
const clock = { now: () => Date.parse('2026-09-01T12:00:00Z') };
const b = { client_id: 'client-b', client_secret: 'secret-of-b-0123456789' };

before(async () => {
  server = await startOAuthServer(clock);
  const appId = Number(`7${server.appId}`);
  const account = await server.request('POST', '/_admin/v1/developer-accounts', {
    token: ADMIN,
    body: { appId },
  });
  assert.equal(account.status, 201, account.text);
  await server.store.ensureOAuthClient({
    clientId: b.client_id,
    clientSecretHash: hashSecret(b.client_secret),
    redirectUri: REDIRECT,
    appId,
  });
});
after(() => server.close());

const VERSIONS = ['v1', 'v3', '2026-03', '2026-09'] as const;

describe("client B and client A's grants", () => {
  test("A's code redeemed by B (B's own credentials, A's redirect URI): refused, no token, and the code is spent", async () => {
    for (const version of VERSIONS) {
      const code = await authorizeCode(server);
      const stolen = await oauthPost(server, `/oauth/${version}/token`, codeGrant(code, b));
      assert.equal(stolen.status, 400, `${version}: ${stolen.text}`);
      assert.equal(stolen.json.access_token, undefined);
      assert.ok(!stolen.text.includes(String(server.portalId)), `${version}: names A's portal`);
      // A code shown by the wrong client is spent: a leaked code is of use to nobody afterwards.
      const late = await oauthPost(server, `/oauth/${version}/token`, codeGrant(code));
      assert.equal(late.status, 400, `${version}: ${late.text}`);
    }
  });

  test("A's client id with B's secret (and B's id with A's): refused as a bad secret", async () => {
    for (const version of VERSIONS) {
      for (const client of [
        { client_id: CLIENT.client_id, client_secret: b.client_secret },
        { client_id: b.client_id, client_secret: CLIENT.client_secret },
      ]) {
        const code = await authorizeCode(server);
        const res = await oauthPost(server, `/oauth/${version}/token`, codeGrant(code, client));
        // v1 answers HubSpot's legacy 400 BAD_CLIENT_SECRET, the current versions 401.
        assert.ok(res.status === 400 || res.status === 401, `${version} ${client.client_id}: ${res.text}`);
        assert.match(res.text, /client_secret|CLIENT_SECRET/, `${version}: ${res.text}`);
        assert.equal(res.json.access_token, undefined);
        // A's code was not spent by a request whose client failed to authenticate.
        const own = await oauthPost(server, `/oauth/${version}/token`, codeGrant(code));
        assert.equal(own.status, 200, `${version}: ${own.text}`);
      }
    }
  });

  test('client credentials for B, whom the provisioned portal does not trust: refused', async () => {
    for (const version of ['v3', '2026-03', '2026-09']) {
      const res = await oauthPost(server, `/oauth/${version}/token`, {
        grant_type: 'client_credentials',
        ...b,
        scope: 'timeline',
      });
      assert.ok(res.status === 400 || res.status === 401 || res.status === 403, `${version}: ${res.text}`);
      assert.equal(res.json?.access_token, undefined, `${version}: ${res.text}`);
    }
  });

  test("A's tokens, introspected or revoked by B, stay active; introspected by A, they name A's app", async () => {
    const issued = await oauthPost(server, '/oauth/v3/token', codeGrant(await authorizeCode(server)));
    const { access_token: access, refresh_token: refresh } = issued.json;
    for (const version of ['v3', '2026-03', '2026-09']) {
      for (const hint of ['access_token', 'refresh_token', 'bogus']) {
        for (const token of [access, refresh]) {
          const seen = await oauthPost(server, `/oauth/${version}/token/introspect`, {
            token,
            token_type_hint: hint,
            ...b,
          });
          assert.deepEqual(seen.json, { active: false });
          await oauthPost(server, `/oauth/${version}/token/revoke`, { token, token_type_hint: hint, ...b });
        }
      }
    }
    const mine = await oauthPost(server, '/oauth/v3/token/introspect', { token: access, ...CLIENT });
    assert.equal(mine.json.active, true);
    assert.equal(mine.json.app_id, server.appId);
    const events = await server.request('GET', '/_timeline/v1/objects/contacts/1/events', { token: access });
    assert.notEqual(events.status, 401, 'the access token still works');
  });
});
