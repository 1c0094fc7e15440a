/**
 * No credential the server handles is ever written down: the whole OAuth flow on `/oauth/v1`
 * (authorize, code exchange, a JSON-bodied refresh, token information, revocation) and on the
 * current API (`/oauth/{v3,2026-03,2026-09}`: form and SDK-style JSON bodies, introspection, both
 * revocations, refused requests with a client assertion), a developer key in a query and a web
 * sign-in, against a real `serve` process logging at debug; then neither the request journal, nor
 * `/metrics`, nor a line the process logged holds any of the secrets.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestBrowser } from '../helpers/browser.js';
import { SERVE_CREDENTIALS, type ServeProcess, signalAndWait, spawnServe } from '../helpers/serve-process.js';
import { testDatabase } from '../helpers/test-server.js';

const ADMIN = 'admin-token-never-recorded-0123456789';
const CLIENT_SECRET = 'client-secret-never-recorded-0123456789';
const REDIRECT = 'https://app.example.com/callback';
let serve: ServeProcess;

before(async () => {
  serve = await spawnServe(testDatabase(), [
    '--admin-token',
    ADMIN,
    '--oauth-client-id',
    'redaction-client',
    '--oauth-client-secret',
    CLIENT_SECRET,
    '--oauth-redirect-uri',
    REDIRECT,
    '--log-level',
    'debug',
  ]);
});
after(async () => {
  if (serve) await signalAndWait(serve, 'SIGTERM');
});

async function call(method: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${serve.url}${path}`, { method, redirect: 'manual', ...init });
}

test('the OAuth flow, a developer key and a sign-in leave no secret in the journal, /metrics or the log', async () => {
  const admin = { authorization: `Bearer ${ADMIN}` };
  const { portalId, appId, accessToken, developerApiKey } = SERVE_CREDENTIALS;
  assert.equal(
    (await call('PUT', `/_admin/v1/apps/${appId}/trusted-portals/${portalId}`, { headers: admin })).status,
    200,
  );
  const authorize = await call(
    'GET',
    `/oauth/authorize?${new URLSearchParams({ client_id: 'redaction-client', redirect_uri: REDIRECT, scope: 'timeline', auto_approve: '1', state: 's' })}`,
  );
  assert.equal(authorize.status, 302, await authorize.text());
  const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const form = (fields: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const exchanged = await call(
    'POST',
    '/oauth/v1/token',
    form({
      grant_type: 'authorization_code',
      client_id: 'redaction-client',
      client_secret: CLIENT_SECRET,
      redirect_uri: REDIRECT,
      code,
    }),
  );
  const issued = (await exchanged.json()) as { access_token: string; refresh_token: string };
  assert.equal(exchanged.status, 200);
  // A second exchange of the same code fails: its error is journaled, the code must not be.
  await call(
    'POST',
    '/oauth/v1/token',
    form({
      grant_type: 'authorization_code',
      client_id: 'redaction-client',
      client_secret: CLIENT_SECRET,
      redirect_uri: REDIRECT,
      code,
    }),
  );
  const refreshed = await call('POST', '/oauth/v1/token', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'refresh_token',
      client_id: 'redaction-client',
      client_secret: CLIENT_SECRET,
      refresh_token: issued.refresh_token,
    }),
  });
  const again = (await refreshed.json()) as { access_token: string };
  assert.equal(refreshed.status, 200);
  assert.equal((await call('GET', `/oauth/v1/access-tokens/${issued.access_token}`)).status, 200);
  assert.equal((await call('GET', `/oauth/v1/refresh-tokens/${issued.refresh_token}`)).status, 200);
  assert.equal((await call('DELETE', `/oauth/v1/refresh-tokens/${issued.refresh_token}`)).status, 204);
  await call('GET', `/oauth/v1/access-token/${again.access_token}`);

  // The current API: every parameter in the body, form-encoded or (as HubSpot's new SDK may send it)
  // a JSON object under the form label.
  const sdkJson = (fields: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: JSON.stringify(fields),
  });
  const client = { client_id: 'redaction-client', client_secret: CLIENT_SECRET };
  const authorizeAgain = await call(
    'GET',
    `/oauth/authorize?${new URLSearchParams({ client_id: 'redaction-client', redirect_uri: REDIRECT, scope: 'timeline', auto_approve: '1' })}`,
  );
  const currentCode = new URL(authorizeAgain.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const codeGrant = {
    grant_type: 'authorization_code',
    ...client,
    redirect_uri: REDIRECT,
    code: currentCode,
  };
  const current = await call('POST', '/oauth/2026-03/token', form(codeGrant));
  assert.equal(current.status, 200);
  const currentIssued = (await current.json()) as { access_token: string; refresh_token: string };
  // Used again: an error answer, journaled with its body.
  assert.equal((await call('POST', '/oauth/v3/token', sdkJson(codeGrant))).status, 400);
  const currentRefreshed = await call(
    'POST',
    '/oauth/v3/token',
    sdkJson({ grant_type: 'refresh_token', ...client, refresh_token: currentIssued.refresh_token }),
  );
  assert.equal(currentRefreshed.status, 200);
  const currentAgain = (await currentRefreshed.json()) as { access_token: string };
  const assertion = 'eyJhbGciOiJSUzI1NiJ9.client-assertion-never-recorded.c2lnbmF0dXJl';
  const refusedAssertion = await call(
    'POST',
    '/oauth/2026-03/token',
    form({ grant_type: 'client_credentials', client_id: 'redaction-client', client_assertion: assertion }),
  );
  assert.equal(refusedAssertion.status, 400);
  for (const token of [currentIssued.access_token, currentIssued.refresh_token]) {
    const info = await call('POST', '/oauth/2026-03/token/introspect', form({ token, ...client }));
    assert.equal(((await info.json()) as { active: boolean }).active, true);
    assert.equal(
      (await call('POST', '/oauth/2026-09/token/introspect', sdkJson({ token, ...client }))).status,
      200,
    );
  }
  assert.equal(
    (
      await call(
        'POST',
        '/oauth/2026-09/token/revoke',
        form({ token: currentIssued.refresh_token, ...client }),
      )
    ).status,
    200,
  );
  assert.equal(
    (
      await call(
        'POST',
        '/oauth/v3/token/revoke',
        sdkJson({ token: currentAgain.access_token, token_type_hint: 'access_token', ...client }),
      )
    ).status,
    200,
  );
  assert.equal(
    (await call('GET', `/integrators/timeline/v3/${appId}/event-templates?hapikey=${developerApiKey}`))
      .status,
    200,
  );
  const browser = new TestBrowser(serve.url);
  assert.equal((await browser.signIn(accessToken)).status, 303);
  const session = browser.cookies.get('timeline_session') ?? '';
  assert.ok(session);

  const journal = await (await call('GET', '/_admin/v1/requests?limit=1000', { headers: admin })).text();
  assert.match(journal, /\/oauth\/v1\/refresh-tokens\/\[REDACTED\]/, 'the journal has the token routes');
  assert.match(journal, /\\"refresh_token\\":\\"\[REDACTED\]\\"/, 'and the JSON body, redacted');
  assert.match(journal, /\/oauth\/2026-03\/token\/introspect/, 'the journal has the current routes');
  assert.match(
    journal,
    /token=\[REDACTED\]&client_id=redaction-client&client_secret=\[REDACTED\]/,
    'their forms, redacted',
  );
  assert.match(journal, /client_assertion=\[REDACTED\]/, 'a refused client assertion, redacted');
  const metrics = await (await call('GET', '/metrics', { headers: admin })).text();
  // The log up to now, after the start banner (which shows the start credentials by design).
  const log = serve.output().slice(serve.output().indexOf('listening on'));
  assert.match(log, /incoming request/, 'the process logged every request (debug logs all of info too)');

  const secrets = {
    code,
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token,
    refreshedAccessToken: again.access_token,
    currentCode,
    currentAccessToken: currentIssued.access_token,
    currentRefreshToken: currentIssued.refresh_token,
    currentRefreshedAccessToken: currentAgain.access_token,
    assertion,
    clientSecret: CLIENT_SECRET,
    admin: ADMIN,
    startToken: accessToken,
    developerApiKey,
    session,
    csrf: browser.csrf ?? '',
  };
  for (const [where, text] of Object.entries({ journal, metrics, log })) {
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(secret.length > 8, name);
      assert.ok(!text.includes(secret), `the ${where} holds the ${name}`);
      assert.ok(!text.includes(encodeURIComponent(secret)), `the ${where} holds the ${name}, URL-encoded`);
    }
  }
});
