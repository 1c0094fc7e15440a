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
    // The form's own address, opened directly (a bookmark, a reload after a failed sign-in).
    const opened = await fetch(`${server.url}/ui/login`, { redirect: 'manual' });
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.get('location'), '/ui');
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

describe('/ui pages: what each viewer may read, bounded input, and the headers of every page', () => {
  let ownTemplate = '';
  let otherTemplate = '';
  let contactId = '';
  let ownApp: TestBrowser;
  let admin: TestBrowser;

  before(async () => {
    const created = await server.request(
      'POST',
      `/integrators/timeline/v3/${server.appId}/event-templates?hapikey=${server.apiKey}`,
      {
        token: false,
        body: {
          name: 'Own app template',
          objectType: 'contacts',
          headerTemplate: 'Bought **{{item}}**',
          detailTemplate: 'Gift: {{extraData.gift}}',
          tokens: [{ name: 'item', label: 'Item', type: 'string' }],
        },
      },
    );
    assert.equal(created.status, 201, created.text);
    ownTemplate = created.json.id;
    const event = await server.request('POST', '/integrators/timeline/v3/events', {
      body: { eventTemplateId: ownTemplate, email: 'pages@example.com', tokens: { item: 'a lamp' } },
    });
    assert.equal(event.status, 201, event.text);
    contactId = event.json.objectId;
    const adminToken = server.credentials.adminToken;
    const otherApp = server.appId + 1;
    await server.request('POST', '/_admin/v1/developer-accounts', {
      token: adminToken,
      body: { apiKey: `pages-other-${server.portalId}`, appId: otherApp },
    });
    const other = await server.request(
      'POST',
      `/integrators/timeline/v3/${otherApp}/event-templates?hapikey=pages-other-${server.portalId}`,
      {
        token: false,
        body: { name: 'Other app template', objectType: 'contacts', headerTemplate: 'x', tokens: [] },
      },
    );
    assert.equal(other.status, 201, other.text);
    otherTemplate = other.json.id;
    ownApp = new TestBrowser(server.url);
    assert.equal((await ownApp.signIn(server.accessToken)).status, 303);
    admin = new TestBrowser(server.url);
    assert.equal((await admin.signIn(adminToken, String(server.portalId))).status, 303);
  });

  it("the portal's token reads its own app's templates only; the admin every app's", async () => {
    const own = await ownApp.get('/ui/templates');
    assert.equal(own.status, 200);
    assert.match(own.text, /Own app template/);
    assert.doesNotMatch(own.text, /Other app template/);
    assert.equal((await ownApp.get(`/ui/templates/${otherTemplate}`)).status, 404);
    assert.equal((await ownApp.get(`/ui/templates/${otherTemplate}/preview`)).status, 404);
    assert.equal((await ownApp.get(`/ui/templates/${ownTemplate}`)).status, 200);
    // Every app's, a page at a time (a database shared with other suites holds more apps).
    let all = '';
    let next: string | undefined = `/ui/templates?portalId=${server.portalId}`;
    for (let pages = 0; next && pages < 100; pages++) {
      const listed = await admin.get(next);
      all += listed.text;
      next = /<a href="([^"]+)">Next page<\/a>/
        .exec(listed.text)?.[1]
        ?.replaceAll('&#x3D;', '=')
        .replaceAll('&amp;', '&');
    }
    assert.match(all, /Own app template/);
    assert.match(all, /Other app template/);
    assert.equal((await admin.get(`/ui/templates/${otherTemplate}?portalId=${server.portalId}`)).status, 200);
  });

  it('every page sends the security headers and carries no inline script or style', async () => {
    const pages = [
      '/ui',
      '/ui/records/contacts',
      `/ui/records/contacts/${contactId}?q=lamp&since=2020-01-01&eventTemplateId=${ownTemplate}`,
      `/ui/records/contacts/${contactId}/events-fragment?q=lamp`,
      `/ui/records/contacts/${contactId}?since=not-a-date`,
      '/ui/templates',
      `/ui/templates/${ownTemplate}`,
      `/ui/templates/${ownTemplate}?from=form&token.item=%3Cscript%3Ealert(1)%3C%2Fscript%3E`,
      `/ui/templates/${ownTemplate}/preview?from=form&token.item=x`,
      `/ui/templates/${otherTemplate}`,
      `/ui/records/contacts?portalId=${server.portalId + 5}`,
    ];
    for (const path of pages) {
      const response = await ownApp.get(path);
      assert.ok([200, 400, 403, 404].includes(response.status), `${path}: ${response.status}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/, path);
      assert.match(csp, /style-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
      assert.doesNotMatch(response.text, /<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i, path);
    }
  });

  it("a bad filter in the page's URL says what is wrong; the script's fragment answers HubSpot's 400", async () => {
    const page = await ownApp.get(`/ui/records/contacts/${contactId}?since=2024-02-30`);
    assert.equal(page.status, 400);
    assert.match(page.text, /role="alert">Invalid input: since must be an ISO 8601 date/);
    const fragment = await ownApp.get(`/ui/records/contacts/${contactId}/events-fragment?until=tomorrow`);
    assert.equal(fragment.status, 400);
    assert.match(fragment.text, /"category":"VALIDATION_ERROR"/);
  });

  it('the live poll reads one event while nothing is new, and the events when something is', async () => {
    const path = `/ui/records/contacts/${contactId}/events-fragment?q=lamp`;
    const first = await ownApp.get(path);
    assert.equal(first.status, 200);
    const seen = first.headers.get('x-timeline-seen') ?? '';
    assert.notEqual(seen, '');
    const quiet = await ownApp.get(`${path}&seen=${encodeURIComponent(seen)}`);
    assert.equal(quiet.status, 204);
    assert.equal(quiet.text, '');
    await server.request('POST', '/integrators/timeline/v3/events', {
      body: { eventTemplateId: ownTemplate, email: 'pages@example.com', tokens: { item: 'a second lamp' } },
    });
    const moved = await ownApp.get(`${path}&seen=${encodeURIComponent(seen)}`);
    assert.equal(moved.status, 200);
    assert.notEqual(moved.headers.get('x-timeline-seen'), seen);
    assert.match(moved.text, /a second lamp/);
  });

  it('a preview renders typed values as text, and refuses what is too long or not JSON', async () => {
    const typed = await ownApp.get(
      `/ui/templates/${ownTemplate}/preview?from=form&token.item=${encodeURIComponent('<b>lamp</b>')}&extraData=${encodeURIComponent('{"gift":"yes"}')}`,
    );
    assert.equal(typed.status, 200);
    assert.match(typed.text, /Bought <strong>&lt;b&gt;lamp&lt;\/b&gt;<\/strong>/);
    assert.match(typed.text, /Gift: yes/);
    const long = await ownApp.get(
      `/ui/templates/${ownTemplate}/preview?from=form&token.item=${'x'.repeat(2_001)}`,
    );
    assert.match(long.text, /role="alert">item is longer than 2000 characters/);
    const notJson = await ownApp.get(`/ui/templates/${ownTemplate}/preview?from=form&extraData=%7Bnope`);
    assert.match(notJson.text, /role="alert">extraData is not JSON/);
  });
});
