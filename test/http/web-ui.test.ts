/**
 * The `/ui` pages over HTTP: sign-in, the session cookie (a random id, nothing else), what a
 * signed-out browser gets, and the attacks a browser session invites: a forged or replayed cookie,
 * a cross-site form post, an app's token, and a credential that has expired meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestBrowser } from '../helpers/browser.js';
import { storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let now = Date.parse('2026-06-01T09:00:00Z');
let server: TestServer;
before(async () => {
  server = await startTestServer({}, { clock: { now: () => now } });
});
after(() => server.close());

const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  token: false as const,
});

describe('/ui', () => {
  it('sends a signed-out browser to the sign-in page', async () => {
    const response = await fetch(`${server.url}/ui/records/contacts`, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/ui');
    const login = await server.request('GET', '/ui', { token: false });
    assert.match(login.text, /<label for="token">/);
  });

  it('refuses a wrong token with an alert and no session; a good one gets a session id, nothing more', async () => {
    const browser = new TestBrowser(server.url);
    const wrong = await browser.signIn('<b>nope</b>');
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /role="alert">That token is not valid/);
    assert.equal(browser.cookies.has('timeline_session'), false);
    const admin = await browser.signIn(server.credentials.adminToken);
    assert.equal(admin.status, 401, 'the admin token needs a portal id');
    const good = await browser.signIn(server.accessToken);
    assert.equal(good.status, 303);
    const cookie = good.headers.getSetCookie().find((line) => line.startsWith('timeline_session=')) ?? '';
    assert.match(cookie, /^timeline_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.ok(!cookie.includes(server.accessToken), 'the cookie holds no credential');
    const records = await browser.get('/ui/records/contacts');
    assert.equal(records.status, 200);
    assert.match(records.text, /contacts with events/);
    // Every page says it may not be framed, sends no referrer, and runs only this server's scripts.
    assert.equal(records.headers.get('x-frame-options'), 'DENY');
    assert.equal(records.headers.get('referrer-policy'), 'no-referrer');
    assert.match(records.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.match(records.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  it('a cookie made up by the browser opens nothing (the old base64 credential cookie included)', async () => {
    for (const cookie of [
      'timeline_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `timeline_ui=${Buffer.from(JSON.stringify({ token: '', portalId: server.portalId })).toString('base64url')}`,
      `timeline_session=${Buffer.from(JSON.stringify({ token: server.accessToken })).toString('base64url')}`,
    ]) {
      const response = await fetch(`${server.url}/ui/records/contacts`, {
        redirect: 'manual',
        headers: { cookie },
      });
      assert.equal(response.status, 303, cookie);
    }
  });

  it("refuses a sign-in posted without this server's form token, or from another site", async () => {
    const noToken = await server.request('POST', '/ui/login', form({ token: server.accessToken }));
    assert.equal(noToken.status, 403);
    assert.equal(
      noToken.headers.getSetCookie().some((line) => line.startsWith('timeline_session=')),
      false,
    );
    const browser = new TestBrowser(server.url);
    await browser.get('/ui');
    const crossSite = await browser.post(
      '/ui/login',
      { token: server.accessToken },
      { 'sec-fetch-site': 'cross-site' },
    );
    assert.equal(crossSite.status, 403);
    assert.equal(browser.cookies.has('timeline_session'), false);
  });

  it("refuses an app's token: it sees only its own app's events", async () => {
    await server.store.ensureAccessToken(
      storedToken({
        token: 'ui-app-token',
        kind: 'app',
        portalId: server.portalId,
        appId: server.appId,
        scopes: ['timeline'],
      }),
    );
    const browser = new TestBrowser(server.url);
    const refused = await browser.signIn('ui-app-token');
    assert.equal(refused.status, 401);
    assert.match(refused.text, /an app&#x27;s token/);
  });

  it('a session ends when its token expires or is deleted, and on sign-out', async () => {
    await server.store.ensureAccessToken(
      storedToken({
        token: 'ui-expiring',
        portalId: server.portalId,
        appId: server.appId,
        scopes: ['timeline'],
        expiresAt: now + 60_000,
      }),
    );
    const browser = new TestBrowser(server.url);
    assert.equal((await browser.signIn('ui-expiring')).status, 303);
    assert.equal((await browser.get('/ui/records/contacts')).status, 200);
    now += 61_000;
    assert.equal((await browser.get('/ui/records/contacts')).status, 303, 'the token expired');
    assert.equal((await browser.signIn('ui-expiring')).status, 401, 'an expired token cannot sign in');

    const deleted = new TestBrowser(server.url);
    await server.store.ensureAccessToken(
      storedToken({
        token: 'ui-deleted',
        portalId: server.portalId,
        appId: server.appId,
        scopes: ['timeline'],
      }),
    );
    assert.equal((await deleted.signIn('ui-deleted')).status, 303);
    assert.equal((await deleted.get('/ui/records/contacts')).status, 200);
    const { hashSecret } = await import('../../src/domain/credentials/secrets.js');
    await server.store.deleteAccessToken(hashSecret('ui-deleted'));
    assert.equal((await deleted.get('/ui/records/contacts')).status, 303, 'the token was deleted');

    const out = new TestBrowser(server.url);
    await out.signIn(server.accessToken);
    const session = out.cookies.get('timeline_session') ?? '';
    await out.get('/ui/records/contacts');
    assert.equal((await out.post('/ui/logout', {})).status, 303);
    const replayed = await fetch(`${server.url}/ui/records/contacts`, {
      redirect: 'manual',
      headers: { cookie: `timeline_session=${session}` },
    });
    assert.equal(replayed.status, 303, 'a signed-out session id is worth nothing');
  });

  it('the admin signs in to the portals it names, and only to those', async () => {
    const browser = new TestBrowser(server.url);
    assert.equal(
      (await browser.signIn(server.credentials.adminToken, '999999999')).status,
      401,
      'no such portal',
    );
    assert.equal((await browser.signIn(server.credentials.adminToken, String(server.portalId))).status, 303);
    assert.equal((await browser.get('/ui/records/contacts')).status, 200);
    // A link to a portal the session does not hold says so, and offers to sign in to it.
    const other = await browser.get(`/ui/records/contacts?portalId=${server.portalId + 1}`);
    assert.equal(other.status, 403);
    assert.match(other.text, new RegExp(`This link is for portal ${server.portalId + 1}`));
    assert.match(other.text, /href="\/ui\?next&#x3D;[^"]*portalId/);
  });
});
