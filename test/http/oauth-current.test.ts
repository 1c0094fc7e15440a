/**
 * HubSpot's current OAuth API (`/oauth/v3`, `/oauth/2026-03`, `/oauth/2026-09`) over raw HTTP shaped
 * like HubSpot's new TypeScript SDK's calls: the whole flow per version (code with PKCE, the tokens
 * on timeline routes, introspection of both kinds, refresh, revocation of both kinds), client
 * credentials where the version lists them, the SDK's JSON-under-a-form-label bodies, tokens shared
 * with `/oauth/v1`, and what a client may learn of another app's tokens (nothing).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@hubspot/api-client';
import { TimelineEventTemplateTokenTypeEnum as TokenType } from '@hubspot/api-client/lib/codegen/crm/timeline/index.js';
import { hashSecret } from '../../src/domain/credentials/secrets.js';
import type { TestServer } from '../helpers/test-server.js';
import {
  ADMIN,
  authorizeCode,
  CLIENT,
  codeGrant,
  type Encoding,
  oauthPost,
  REDIRECT,
  refreshGrant,
  startOAuthServer,
} from './oauth-helpers.js';

let now = Date.parse('2026-09-01T12:00:00Z');
const clock = { now: () => now };
let server: TestServer;
before(async () => {
  server = await startOAuthServer(clock);
});
after(() => server.close());

const VERSIONS = ['v3', '2026-03', '2026-09'] as const;
const VERIFIER = 'a-pkce-verifier-of-enough-length-0123456789-abcdefghijkl';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

let eventCounter = 0;
/** An app event occurrence sent with `token`: its status. */
async function sendOccurrence(token: string): Promise<number> {
  const response = await server.request('POST', '/integrators/timeline/2026-03/events/batch', {
    token,
    body: {
      inputs: [
        {
          eventTypeName: 'course_enrollment',
          id: `current-${++eventCounter}`,
          email: 'current@example.com',
          properties: { format: 'live' },
        },
      ],
    },
  });
  return response.status;
}

const introspect = (
  version: string,
  token: string,
  extra: Record<string, string> = {},
  encoding?: Encoding,
) => oauthPost(server, `/oauth/${version}/token/introspect`, { token, ...CLIENT, ...extra }, encoding);
const revoke = (version: string, token: string, extra: Record<string, string> = {}) =>
  oauthPost(server, `/oauth/${version}/token/revoke`, { token, ...CLIENT, ...extra });

const ACCESS_INFO_FIELDS = [
  'active',
  'app_id',
  'client_id',
  'expires_in',
  'hub_domain',
  'hub_id',
  'is_private_distribution',
  'scopes',
  'signed_access_token',
  'token',
  'token_type',
  'token_use',
  'user',
  'user_id',
];
const SIGNED_FIELDS = {
  appId: 'number',
  appInstallId: 'string',
  audience: 'string',
  expiresAt: 'number',
  hubId: 'number',
  hublet: 'string',
  installingUserId: 'number',
  isPrivateDistribution: 'boolean',
  isServiceAccount: 'boolean',
  isUserLevel: 'boolean',
  newSignature: 'string',
  scopeToScopeGroupPks: 'string',
  scopes: 'string',
  signature: 'string',
  trialScopeToScopeGroupPks: 'string',
  trialScopes: 'string',
  userId: 'number',
};

describe('the flow, per version', () => {
  for (const version of VERSIONS) {
    test(`${version}: code with PKCE -> tokens -> introspect -> refresh -> revoke`, async () => {
      const code = await authorizeCode(server, { code_challenge: CHALLENGE, code_challenge_method: 'S256' });
      const issued = await oauthPost(
        server,
        `/oauth/${version}/token`,
        codeGrant(code, { code_verifier: VERIFIER }),
      );
      assert.equal(issued.status, 200, issued.text);
      assert.match(issued.headers.get('content-type') ?? '', /^application\/json/);
      // AccessTokenResponse: every field it declares, the required ones first among them.
      assert.deepEqual(Object.keys(issued.json).sort(), [
        'access_token',
        'expires_in',
        'hub_id',
        'refresh_token',
        'scopes',
        'token_type',
        'token_use',
        'user_id',
      ]);
      const { access_token: accessToken, refresh_token: refreshToken } = issued.json;
      assert.equal(issued.json.token_use, 'access_token');
      assert.equal(issued.json.token_type, 'bearer');
      assert.equal(issued.json.expires_in, 60);
      assert.equal(issued.json.hub_id, server.portalId);
      assert.equal(issued.json.user_id, 1);
      assert.deepEqual(issued.json.scopes, [
        'oauth',
        'timeline',
        'crm.objects.contacts.write',
        'crm.objects.contacts.read',
      ]);
      assert.equal(await sendOccurrence(accessToken), 200);

      // Introspection of the access token: PublicAccessTokenInfoResponse, every required field.
      const info = await introspect(version, accessToken);
      assert.equal(info.status, 200, info.text);
      assert.deepEqual(Object.keys(info.json).sort(), ACCESS_INFO_FIELDS);
      assert.equal(info.json.active, true);
      assert.equal(info.json.token, accessToken);
      assert.equal(info.json.token_use, 'access_token');
      assert.equal(info.json.token_type, 'access');
      assert.equal(info.json.client_id, CLIENT.client_id);
      assert.equal(info.json.app_id, server.appId);
      assert.equal(info.json.hub_id, server.portalId);
      assert.equal(info.json.user_id, 1);
      assert.equal(info.json.expires_in, 60);
      assert.equal(info.json.is_private_distribution, false);
      assert.deepEqual(info.json.scopes, issued.json.scopes);
      const signed = info.json.signed_access_token;
      for (const [field, type] of Object.entries(SIGNED_FIELDS))
        assert.equal(typeof signed[field], type, `signed_access_token.${field}`);
      assert.deepEqual(Object.keys(signed).sort(), Object.keys(SIGNED_FIELDS).sort());
      assert.equal(signed.appId, server.appId);
      assert.equal(signed.hubId, server.portalId);
      assert.equal(signed.expiresAt, now + 60_000);
      assert.equal(Buffer.from(signed.scopes, 'base64').toString(), issued.json.scopes.join(' '));
      assert.notEqual(signed.signature, signed.newSignature);
      assert.ok(!JSON.stringify(signed).includes(accessToken), 'the claims do not hold the token');

      // The refresh token: PublicRefreshTokenInfoResponse, found without a hint too.
      for (const hint of [{ token_type_hint: 'refresh_token' }, {}] as Record<string, string>[]) {
        const refreshInfo = await introspect(version, refreshToken, hint);
        assert.equal(refreshInfo.status, 200, refreshInfo.text);
        assert.deepEqual(refreshInfo.json, {
          active: true,
          token: refreshToken,
          token_use: 'refresh_token',
          token_type: 'refresh',
          client_id: CLIENT.client_id,
          app_id: server.appId,
          hub_id: server.portalId,
          hub_domain: `portal-${server.portalId}.hubspot.example`,
          user_id: 1,
          user: `developer@portal-${server.portalId}.example`,
          scopes: issued.json.scopes,
        });
      }

      now += 20_000;
      const refreshed = await oauthPost(server, `/oauth/${version}/token`, refreshGrant(refreshToken));
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(refreshed.json.token_use, 'access_token');
      assert.equal(refreshed.json.refresh_token, refreshToken, 'HubSpot keeps the refresh token');
      assert.notEqual(refreshed.json.access_token, accessToken);
      assert.equal((await introspect(version, accessToken)).json.expires_in, 40);

      // Revoking the refresh token: 200 with no body (RFC 7009); the access tokens live on.
      const revoked = await revoke(version, refreshToken, { token_type_hint: 'refresh_token' });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.text, '');
      assert.deepEqual((await introspect(version, refreshToken)).json, { active: false });
      const refused = await oauthPost(server, `/oauth/${version}/token`, refreshGrant(refreshToken));
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error, 'invalid_grant');
      assert.equal(refused.json.subCategory, 'BAD_REFRESH_TOKEN');
      assert.equal(await sendOccurrence(refreshed.json.access_token), 200);
      assert.equal((await revoke(version, refreshToken)).status, 200, 'revoking again changes nothing');

      // Revoking an access token ends it at once, everywhere.
      const gone = await revoke(version, refreshed.json.access_token, { token_type_hint: 'access_token' });
      assert.equal(gone.status, 200, gone.text);
      assert.deepEqual((await introspect(version, refreshed.json.access_token)).json, { active: false });
      assert.equal(await sendOccurrence(refreshed.json.access_token), 401);
      const v1Info = await server.request('GET', `/oauth/v1/access-tokens/${refreshed.json.access_token}`, {
        token: false,
      });
      assert.equal(v1Info.status, 404);
      // Expiry: the first access token is inactive once its 60 seconds are over.
      assert.equal(await sendOccurrence(accessToken), 200);
      now += 41_000;
      assert.deepEqual((await introspect(version, accessToken)).json, { active: false });
      assert.equal(await sendOccurrence(accessToken), 401);
    });
  }

  test('without a hint, revocation finds an access token too (RFC 7009)', async () => {
    const issued = await oauthPost(server, '/oauth/2026-03/token', codeGrant(await authorizeCode(server)));
    const { access_token: accessToken } = issued.json;
    assert.equal((await revoke('2026-03', accessToken)).status, 200);
    assert.equal(await sendOccurrence(accessToken), 401);
    // A hint of the other kind, or an unknown one, only orders the lookup.
    const again = await oauthPost(server, '/oauth/v3/token', codeGrant(await authorizeCode(server)));
    assert.equal(
      (await revoke('v3', again.json.access_token, { token_type_hint: 'refresh_token' })).status,
      200,
    );
    assert.equal(await sendOccurrence(again.json.access_token), 401);
    const third = await oauthPost(server, '/oauth/v3/token', codeGrant(await authorizeCode(server)));
    assert.equal(
      (await introspect('v3', third.json.refresh_token, { token_type_hint: 'made_up' })).json.token_use,
      'refresh_token',
    );
  });
});

describe('client credentials', () => {
  for (const version of ['v3', '2026-03']) {
    test(`${version}: ClientCredentialsTokenResponse, no refresh token`, async () => {
      const issued = await oauthPost(server, `/oauth/${version}/token`, {
        grant_type: 'client_credentials',
        ...CLIENT,
        scope: 'timeline crm.objects.contacts.read',
      });
      assert.equal(issued.status, 200, issued.text);
      assert.deepEqual(Object.keys(issued.json).sort(), [
        'access_token',
        'expires_in',
        'hub_id',
        'scopes',
        'token_type',
        'token_use',
        'user_id',
      ]);
      assert.equal(issued.json.token_use, 'client_credentials');
      assert.deepEqual(issued.json.scopes, ['timeline', 'crm.objects.contacts.read']);
      assert.equal(await sendOccurrence(issued.json.access_token), 200);
      assert.equal((await introspect(version, issued.json.access_token)).json.active, true);
    });
  }

  test('2026-09: its spec lists no client_credentials; the error names the grants it takes', async () => {
    const refused = await oauthPost(server, '/oauth/2026-09/token', {
      grant_type: 'client_credentials',
      ...CLIENT,
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.message, 'grant_type must be authorization_code or refresh_token');
    assert.equal(refused.json.error, 'unsupported_grant_type');
    assert.equal(refused.json.errors[0].in, 'grant_type');
  });
});

describe('bodies as HubSpot SDK and other clients send them', () => {
  for (const encoding of ['sdk', 'json'] as const) {
    test(`a JSON object (${encoding === 'sdk' ? 'labelled form-encoded, as the SDK sends it' : 'as application/json'}) is read as the form`, async () => {
      const issued = await oauthPost(
        server,
        '/oauth/2026-03/token',
        codeGrant(await authorizeCode(server)),
        encoding,
      );
      assert.equal(issued.status, 200, issued.text);
      const info = await introspect('2026-03', issued.json.access_token, {}, encoding);
      assert.equal(info.json.active, true);
      const revoked = await oauthPost(
        server,
        '/oauth/2026-03/token/revoke',
        { token: issued.json.refresh_token, ...CLIENT },
        encoding,
      );
      assert.equal(revoked.status, 200);
      assert.deepEqual((await introspect('2026-03', issued.json.refresh_token)).json, { active: false });
    });
  }

  test('form fields with a charset parameter and percent-encoding', async () => {
    const code = await authorizeCode(server);
    const response = await fetch(`${server.url}/oauth/v3/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: `grant_type=authorization_code&client_id=client-1&client_secret=secret-1&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    });
    assert.equal(response.status, 200, await response.text());
  });
});

describe('one store of tokens for both API families', () => {
  test('a v1-issued token introspects through v3; a v3-issued token works on v1 and the timeline routes', async () => {
    const v1 = await oauthPost(server, '/oauth/v1/token', codeGrant(await authorizeCode(server)));
    assert.equal(v1.status, 200, v1.text);
    const viaV3 = await introspect('v3', v1.json.access_token);
    assert.equal(viaV3.json.active, true);
    assert.equal(viaV3.json.app_id, server.appId);
    assert.equal((await introspect('2026-09', v1.json.refresh_token)).json.token_use, 'refresh_token');
    const refreshedViaV3 = await oauthPost(server, '/oauth/v3/token', refreshGrant(v1.json.refresh_token));
    assert.equal(refreshedViaV3.status, 200, refreshedViaV3.text);

    const v3 = await oauthPost(server, '/oauth/v3/token', codeGrant(await authorizeCode(server)));
    const v1Info = await server.request('GET', `/oauth/v1/access-tokens/${v3.json.access_token}`, {
      token: false,
    });
    assert.equal(v1Info.status, 200, v1Info.text);
    assert.equal(v1Info.json.app_id, server.appId);
    const viaV1 = await oauthPost(server, '/oauth/v1/token', refreshGrant(v3.json.refresh_token));
    assert.equal(viaV1.status, 200, viaV1.text);

    // The timeline v3 routes, through HubSpot's official Node client.
    const client = new Client({
      basePath: server.url,
      accessToken: v3.json.access_token,
      numberOfApiCallRetries: 0,
    });
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'v3-token@example.com' },
      associations: [],
    });
    const template = await server.client.crm.timeline.templatesApi.create(server.appId, {
      name: 'Current OAuth',
      objectType: 'contacts',
      headerTemplate: 'Hello {{who}}',
      tokens: [{ name: 'who', label: 'Who', type: TokenType.String }],
    });
    const event = await client.crm.timeline.eventsApi.create({
      eventTemplateId: template.id,
      id: 'current-oauth-1',
      objectId: contact.id,
      tokens: { who: 'there' },
    });
    assert.equal(event.objectId, contact.id);
    const read = await client.crm.timeline.eventsApi.getById(template.id, 'current-oauth-1');
    assert.equal(read.tokens.who, 'there');
  });
});

describe("another app's tokens", () => {
  const other = { client_id: 'client-2', client_secret: 'secret-2' };
  let otherAppId = 0;
  before(async () => {
    otherAppId = Number(`7${server.appId}`);
    const account = await server.request('POST', '/_admin/v1/developer-accounts', {
      token: ADMIN,
      body: { appId: otherAppId },
    });
    assert.equal(account.status, 201, account.text);
    await server.store.ensureOAuthClient({
      clientId: other.client_id,
      clientSecretHash: hashSecret(other.client_secret),
      redirectUri: REDIRECT,
      appId: otherAppId,
    });
  });

  test('introspect as another client: {"active": false}; revoke: 200 and nothing revoked', async () => {
    const issued = await oauthPost(server, '/oauth/2026-03/token', codeGrant(await authorizeCode(server)));
    for (const token of [issued.json.access_token, issued.json.refresh_token]) {
      const seen = await oauthPost(server, '/oauth/2026-03/token/introspect', { token, ...other });
      assert.equal(seen.status, 200, seen.text);
      assert.deepEqual(seen.json, { active: false });
      const revoked = await oauthPost(server, '/oauth/2026-03/token/revoke', { token, ...other });
      assert.equal(revoked.status, 200, revoked.text);
    }
    assert.equal((await introspect('2026-03', issued.json.refresh_token)).json.active, true);
    assert.equal(await sendOccurrence(issued.json.access_token), 200);
    // Its code and refresh token are of no use to the other client either.
    const stolen = await oauthPost(server, '/oauth/v3/token', {
      grant_type: 'refresh_token',
      ...other,
      refresh_token: issued.json.refresh_token,
    });
    assert.equal(stolen.json.subCategory, 'BAD_REFRESH_TOKEN');
  });

  test("unknown tokens, and tokens the admin API made (not OAuth's), introspect as inactive", async () => {
    for (const token of [
      'made-up',
      'oauth-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      server.accessToken,
    ]) {
      const seen = await introspect('v3', token);
      assert.deepEqual(seen.json, { active: false }, token);
      assert.equal((await revoke('v3', token, { token_type_hint: 'access_token' })).status, 200);
    }
    // Revoking the provisioned private-app token through OAuth changed nothing.
    assert.equal(await sendOccurrence(server.accessToken), 200);
  });
});
