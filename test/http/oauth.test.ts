/**
 * The OAuth stand-in over HTTP (issue 14, contract section 5), raw and with the official client's
 * `oauth.tokensApi`: authorize -> code -> token -> app event batch -> refresh -> expiry -> 401, PKCE,
 * the legacy 400 bodies, token information and revocation, and OAuth tokens on every Bearer route.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@hubspot/api-client';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

const REDIRECT = 'https://app.example.com/oauth/callback';
let now = Date.parse('2026-05-01T12:00:00Z');
const clock = { now: () => now };
let server: TestServer;
before(async () => {
  server = await startTestServer(
    {
      adminToken: 'admin-secret',
      oauthClientId: 'client-1',
      oauthClientSecret: 'secret-1',
      oauthRedirectUri: REDIRECT,
      oauthTokenTtl: '60',
    },
    { clock },
  );
  await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
    token: 'admin-secret',
    body: hsmeta(),
  });
});
after(() => server.close());

/** Follows /oauth/authorize with auto approval; answers the redirect's query. */
async function authorize(extra: Record<string, string> = {}): Promise<URLSearchParams> {
  const query = new URLSearchParams({
    client_id: 'client-1',
    redirect_uri: REDIRECT,
    scope: 'oauth timeline',
    state: 'xyz',
    auto_approve: '1',
    ...extra,
  });
  const response = await fetch(`${server.url}/oauth/authorize?${query}`, { redirect: 'manual' });
  assert.equal(response.status, 302, await response.text());
  const location = new URL(response.headers.get('location') ?? '');
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  return location.searchParams;
}

async function token(form: Record<string, string>) {
  const response = await fetch(`${server.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes
  const json: any = await response.json();
  return { status: response.status, json };
}

const codeGrant = (code: string, extra: Record<string, string> = {}) => ({
  grant_type: 'authorization_code',
  client_id: 'client-1',
  client_secret: 'secret-1',
  redirect_uri: REDIRECT,
  code,
  ...extra,
});

describe('the OAuth flow', () => {
  test('authorize -> code -> token -> app event batch -> refresh -> expiry -> 401', async () => {
    const redirect = await authorize();
    assert.equal(redirect.get('state'), 'xyz');
    const code = redirect.get('code') ?? '';
    const oauthClient = new Client({ basePath: server.url, numberOfApiCallRetries: 0 });
    const issued = await oauthClient.oauth.tokensApi.create(
      'authorization_code',
      code,
      REDIRECT,
      'client-1',
      'secret-1',
    );
    assert.equal(issued.expiresIn, 60);
    assert.equal(issued.tokenType, 'bearer');
    assert.ok(issued.refreshToken);
    const accessToken = issued.accessToken;

    let counter = 0;
    const batch = (bearer: string) =>
      server.request('POST', '/integrators/timeline/2026-03/events/batch', {
        token: bearer,
        body: {
          inputs: [
            {
              eventTypeName: 'course_enrollment',
              id: `flow-${++counter}`,
              email: 'flow@example.com',
              properties: { format: 'live' },
            },
          ],
        },
      });
    assert.equal((await batch(accessToken)).status, 200);

    now += 61_000;
    const expired = await batch(accessToken);
    assert.equal(expired.status, 401, expired.text);
    assert.equal(expired.headers.get('x-hubspot-auth-failure'), '401 Unauthorized');
    assert.equal(expired.json.status, 'error');
    assert.equal(expired.json.category, 'EXPIRED_AUTHENTICATION');
    assert.equal(expired.json.message, 'The OAuth token used to make this call expired 1 second(s) ago.');
    assert.deepEqual(expired.json.context, { 'expire time': [new Date(now - 1000).toISOString()] });

    const refreshed = await oauthClient.oauth.tokensApi.create(
      'refresh_token',
      undefined,
      undefined,
      'client-1',
      'secret-1',
      issued.refreshToken,
    );
    assert.notEqual(refreshed.accessToken, accessToken);
    assert.equal(refreshed.refreshToken, issued.refreshToken);
    assert.equal((await batch(refreshed.accessToken)).status, 200);
  });

  test('a code is used once; a bad code, client, secret or redirect URI answers the legacy 400', async () => {
    const code = (await authorize()).get('code') ?? '';
    assert.equal((await token(codeGrant(code))).status, 200);
    const again = await token(codeGrant(code));
    assert.equal(again.status, 400);
    assert.equal(again.json.status, 'BAD_AUTH_CODE');
    assert.equal(again.json.message, 'missing or unknown auth code');
    assert.ok(again.json.correlationId);
    assert.equal((await token(codeGrant('nope'))).json.status, 'BAD_AUTH_CODE');
    const fresh = (await authorize()).get('code') ?? '';
    assert.equal((await token(codeGrant(fresh, { client_id: 'other' }))).json.status, 'BAD_CLIENT_ID');
    assert.equal(
      (await token(codeGrant(fresh, { client_secret: 'wrong' }))).json.status,
      'BAD_CLIENT_SECRET',
    );
    assert.equal(
      (await token(codeGrant(fresh, { redirect_uri: 'https://evil.example/' }))).json.status,
      'BAD_REDIRECT_URI',
    );
    assert.equal((await token({ grant_type: 'password' })).json.status, 'BAD_GRANT_TYPE');
    const bad = await token({
      grant_type: 'refresh_token',
      client_id: 'client-1',
      client_secret: 'secret-1',
      refresh_token: 'x',
    });
    assert.equal(bad.json.status, 'BAD_REFRESH_TOKEN');
    assert.equal(bad.json.message, 'missing or invalid refresh token');
  });

  test('an expired code answers EXPIRED_AUTH_CODE', async () => {
    const code = (await authorize()).get('code') ?? '';
    now += 11 * 60_000;
    const expired = await token(codeGrant(code));
    assert.equal(expired.status, 400);
    assert.equal(expired.json.status, 'EXPIRED_AUTH_CODE');
  });

  test('PKCE: S256 and plain challenges need the matching code_verifier', async () => {
    const verifier = 'a-verifier-of-enough-length-0123456789-abcdefghijkl';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const s256 =
      (await authorize({ code_challenge: challenge, code_challenge_method: 'S256' })).get('code') ?? '';
    assert.equal((await token(codeGrant(s256, { code_verifier: 'wrong' }))).json.status, 'BAD_AUTH_CODE');
    const s256b =
      (await authorize({ code_challenge: challenge, code_challenge_method: 'S256' })).get('code') ?? '';
    assert.equal((await token(codeGrant(s256b, { code_verifier: verifier }))).status, 200);
    const plain = (await authorize({ code_challenge: 'plain-secret' })).get('code') ?? '';
    assert.equal((await token(codeGrant(plain))).status, 400);
    const plainb = (await authorize({ code_challenge: 'plain-secret' })).get('code') ?? '';
    assert.equal((await token(codeGrant(plainb, { code_verifier: 'plain-secret' }))).status, 200);
  });

  test('authorize refuses an unknown client, another redirect URI, and an unknown scope; shows a page otherwise', async () => {
    const get = (query: Record<string, string>) =>
      fetch(`${server.url}/oauth/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });
    const unknown = await get({ client_id: 'nope', redirect_uri: REDIRECT, scope: 'timeline' });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { status: string }).status, 'BAD_CLIENT_ID');
    const redirect = await get({
      client_id: 'client-1',
      redirect_uri: 'https://evil.example/',
      scope: 'timeline',
    });
    assert.equal(((await redirect.json()) as { status: string }).status, 'BAD_REDIRECT_URI');
    const scope = await get({ client_id: 'client-1', redirect_uri: REDIRECT, scope: 'timeline automation' });
    assert.equal(((await scope.json()) as { status: string }).status, 'BAD_SCOPE');
    const page = await get({
      client_id: 'client-1',
      redirect_uri: REDIRECT,
      scope: 'timeline',
      state: '<s>',
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<form method="get" action="\/oauth\/authorize">/);
    assert.match(html, /value="&#60;s&#62;"/);
    assert.match(html, new RegExp(`name="portal_id" value="${server.portalId}"`));
  });

  test('token information, and a revoked refresh token is refused', async () => {
    const issued = (await token(codeGrant((await authorize()).get('code') ?? ''))).json;
    const oauthClient = new Client({ basePath: server.url, numberOfApiCallRetries: 0 });
    const info = await oauthClient.oauth.accessTokensApi.get(issued.access_token);
    assert.equal(info.hubId, server.portalId);
    assert.equal(info.appId, server.appId);
    assert.deepEqual(info.scopes, ['oauth', 'timeline']);
    assert.equal(info.tokenType, 'access');
    assert.equal(info.expiresIn, 60);
    const refreshInfo = await server.request('GET', `/oauth/v1/refresh-tokens/${issued.refresh_token}`, {
      token: false,
    });
    assert.equal(refreshInfo.json.client_id, 'client-1');
    assert.equal(refreshInfo.json.token_type, 'refresh');
    const deleted = await server.request('DELETE', `/oauth/v1/refresh-tokens/${issued.refresh_token}`, {
      token: false,
    });
    assert.equal(deleted.status, 204);
    const refused = await token({
      grant_type: 'refresh_token',
      client_id: 'client-1',
      client_secret: 'secret-1',
      refresh_token: issued.refresh_token,
    });
    assert.equal(refused.json.status, 'BAD_REFRESH_TOKEN');
    assert.equal(
      (await server.request('GET', `/oauth/v1/refresh-tokens/${issued.refresh_token}`, { token: false }))
        .status,
      404,
    );
  });

  test('OAuth tokens work on every Bearer route, scoped by the scopes granted', async () => {
    const code =
      (await authorize({ scope: 'timeline crm.objects.contacts.write crm.objects.contacts.read' })).get(
        'code',
      ) ?? '';
    const { access_token } = (await token(codeGrant(code))).json;
    const client = new Client({ basePath: server.url, accessToken: access_token, numberOfApiCallRetries: 0 });
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: 'oauth@example.com' },
      associations: [],
    });
    assert.ok(contact.id);
    const template = await server.client.crm.timeline.templatesApi.create(server.appId, {
      name: 'OAuth v3',
      objectType: 'contacts',
      headerTemplate: 'x',
      tokens: [],
    });
    const v3 = await client.crm.timeline.eventsApi.create({
      eventTemplateId: template.id,
      objectId: contact.id,
      tokens: {},
    });
    assert.equal(v3.objectId, contact.id);
    const body = { eventTypeName: 'course_enrollment', id: 'oauth-1', objectId: contact.id, properties: {} };
    assert.equal(
      (await server.request('POST', '/integrators/timeline/2026-03/events', { token: access_token, body }))
        .status,
      200,
    );
    // Granted `timeline` only: 2026-09 wants `timeline-write` (or a CRM object write scope).
    const timelineOnly = (await token(codeGrant((await authorize({ scope: 'timeline' })).get('code') ?? '')))
      .json;
    const refused = await server.request('POST', '/integrators/timeline/2026-09/events', {
      token: timelineOnly.access_token,
      body: { ...body, id: 'oauth-2' },
    });
    assert.equal(refused.status, 403);
    // No companies scope.
    assert.equal(
      (await server.request('GET', '/crm/v3/objects/companies', { token: access_token })).status,
      403,
    );
  });

  test('client_credentials answers an access token without a refresh token', async () => {
    const issued = await token({
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: 'secret-1',
      scope: 'timeline',
    });
    assert.equal(issued.status, 200);
    assert.equal(issued.json.token_use, 'client_credentials');
    assert.equal(issued.json.refresh_token, undefined);
    assert.deepEqual(issued.json.scopes, ['timeline']);
  });
});
