/**
 * The OAuth stand-in over HTTP, raw and with the official client's
 * `oauth.tokensApi`: authorize -> code -> token -> app event batch -> refresh -> expiry -> 401, PKCE,
 * the legacy 400 bodies, token information and revocation, and OAuth tokens on every Bearer route.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@hubspot/api-client';
import { TestBrowser } from '../helpers/browser.js';
import { storedToken } from '../helpers/fixtures.js';
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
  // The flow below is a test harness's: the admin trusts the app with the portal, so authorize
  // approves at once (the consent tests below show what happens without that trust).
  const trusted = await server.request(
    'PUT',
    `/_admin/v1/apps/${server.appId}/trusted-portals/${server.portalId}`,
    {
      token: 'admin-secret',
    },
  );
  assert.equal(trusted.status, 200, trusted.text);
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

  test('authorize refuses an unknown client, another redirect URI, and an unknown scope; without trust, shows a page', async () => {
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
    // Without auto_approve the page asks a person of the portal, who must sign in first.
    const page = await get({
      client_id: 'client-1',
      redirect_uri: REDIRECT,
      scope: 'timeline',
      state: '<s>',
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Sign in to approve/);
    assert.doesNotMatch(html, /<form method="post" action="\/oauth\/authorize"/);
    // The sign-in link comes back here (Handlebars escapes `=` as `&#x3D;`, which browsers read as `=`).
    assert.match(html, /href="\/ui\?next(=|&#x3D;)%2Foauth%2Fauthorize%3F[^"]*state%3D%253Cs%253E/);
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

describe('consent: only someone of the portal installs an app into it', () => {
  /** Another portal, with a private-app token of its own (its user signs in with it). */
  let otherPortal: number;
  const otherToken = 'other-portal-private-app';
  before(async () => {
    otherPortal = server.portalId + 500_000;
    await server.store.ensurePortal({ id: otherPortal, timeZone: 'UTC' });
    await server.store.ensureAccessToken(
      storedToken({ token: otherToken, portalId: otherPortal, appId: server.appId, scopes: ['timeline'] }),
    );
  });
  const query = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ client_id: 'client-1', redirect_uri: REDIRECT, scope: 'oauth timeline', ...extra });

  test('approve=1 or auto_approve=1 with another portal_id gives no code: the page asks for approval', async () => {
    const attempts: Record<string, string>[] = [
      { approve: '1', portal_id: String(otherPortal) },
      { auto_approve: '1', portal_id: String(otherPortal) },
    ];
    for (const extra of attempts) {
      const response = await fetch(`${server.url}/oauth/authorize?${query(extra)}`, { redirect: 'manual' });
      assert.equal(response.status, 200, JSON.stringify(extra));
      assert.equal(response.headers.get('location'), null);
      assert.match(await response.text(), /Sign in to approve/);
    }
  });

  test("a post of the approval form needs a session of that portal and this server's form token", async () => {
    const anonymous = new TestBrowser(server.url);
    await anonymous.get(`/oauth/authorize?${query()}`);
    const noSession = await anonymous.post('/oauth/authorize', {
      ...Object.fromEntries(query()),
      portal_id: String(otherPortal),
    });
    assert.equal(noSession.status, 403);
    assert.equal(noSession.location, null);

    // Signed in to the provisioned portal: it cannot install the app into the other one.
    const mine = new TestBrowser(server.url);
    await mine.signIn(server.accessToken);
    await mine.get(`/oauth/authorize?${query()}`);
    const foreign = await mine.post('/oauth/authorize', {
      ...Object.fromEntries(query()),
      portal_id: String(otherPortal),
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.location, null);

    const other = new TestBrowser(server.url);
    assert.equal((await other.signIn(otherToken)).status, 303);
    const page = await other.get(`/oauth/authorize?${query({ state: 'st' })}`);
    assert.match(page.text, new RegExp(`<option value="${otherPortal}" selected>`));
    const forged = await other.post('/oauth/authorize', {
      ...Object.fromEntries(query({ state: 'st' })),
      portal_id: String(otherPortal),
      csrf: 'made-up',
    });
    assert.equal(forged.status, 403, 'a form token of its own making');
    const crossSite = await other.post(
      '/oauth/authorize',
      { ...Object.fromEntries(query({ state: 'st' })), portal_id: String(otherPortal) },
      { 'sec-fetch-site': 'cross-site' },
    );
    assert.equal(crossSite.status, 403, 'a post from another site');
    const approved = await other.post('/oauth/authorize', {
      ...Object.fromEntries(query({ state: 'st' })),
      portal_id: String(otherPortal),
    });
    assert.equal(approved.status, 303, approved.text);
    const location = new URL(approved.location ?? '');
    assert.equal(location.searchParams.get('state'), 'st');
    const issued = await token(codeGrant(location.searchParams.get('code') ?? ''));
    assert.equal(issued.status, 200);
    assert.equal(issued.json.hub_id, otherPortal);
  });

  test('a portal the admin trusts the app with is approved at once, until the trust is taken back', async () => {
    const path = `/_admin/v1/apps/${server.appId}/trusted-portals/${otherPortal}`;
    assert.equal((await server.request('PUT', path, { token: 'admin-secret' })).status, 200);
    const auto = await fetch(
      `${server.url}/oauth/authorize?${query({ auto_approve: '1', portal_id: String(otherPortal) })}`,
      { redirect: 'manual' },
    );
    assert.equal(auto.status, 302);
    assert.ok(new URL(auto.headers.get('location') ?? '').searchParams.get('code'));
    assert.equal((await server.request('DELETE', path, { token: 'admin-secret' })).status, 204);
    const again = await fetch(
      `${server.url}/oauth/authorize?${query({ auto_approve: '1', portal_id: String(otherPortal) })}`,
      { redirect: 'manual' },
    );
    assert.equal(again.status, 200);
    // Only the admin may trust.
    assert.equal((await server.request('PUT', path, { token: server.accessToken })).status, 401);
  });
});
