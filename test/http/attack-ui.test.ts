/**
 * Attacks on the web UI's sign-in and sessions: where `next` sends the browser after signing in
 * (every spelling a browser reads as another site: tabs and newlines it drops, backslashes it reads
 * as slashes, dot segments that climb to `//host`), forwarded headers that must not make the server
 * think a page was served over HTTPS or from elsewhere, and a session's `?portalId=` aimed at a
 * portal it was not opened for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** Signs in with `next` and answers where the browser goes, resolved as a browser resolves it. */
async function signInTo(next: string): Promise<URL> {
  const browser = new TestBrowser(server.url);
  await browser.get(`/ui?next=${encodeURIComponent(next)}`);
  const signedIn = await browser.post('/ui/login', { token: server.accessToken, portalId: '', next });
  assert.equal(signedIn.status, 303, signedIn.text);
  return new URL(signedIn.location ?? '', server.url);
}

describe('after sign-in, the browser goes to this server only', () => {
  it('every spelling of another site sends it to the records page instead', async () => {
    const origin = new URL(server.url).origin;
    for (const next of [
      '//evil.example/',
      '/\\evil.example/',
      '/\t/evil.example/',
      '/\n/evil.example/',
      '/\r\n/evil.example/',
      '\t//evil.example/',
      '/ui/../..//evil.example/',
      '/./\t/evil.example/',
      'https://evil.example/',
      'javascript:alert(1)',
    ]) {
      const to = await signInTo(next);
      assert.equal(to.origin, origin, `next=${JSON.stringify(next)} went to ${to.href}`);
      assert.ok(!to.href.includes('evil.example'), `next=${JSON.stringify(next)}: ${to.href}`);
    }
  });

  it('a path of this server is kept, its query too', async () => {
    const next = `/ui/records/contacts?q=a%20b&portalId=${server.portalId}`;
    const to = await signInTo(next);
    assert.equal(`${to.pathname}${to.search}`, next);
  });
});

describe('forwarded headers are not believed', () => {
  it('X-Forwarded-Proto: https does not mark the cookie Secure, X-Forwarded-Host moves nothing', async () => {
    const browser = new TestBrowser(server.url);
    const headers = {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-for': '203.0.113.9',
      forwarded: 'for=203.0.113.9;proto=https;host=evil.example',
    };
    await browser.get('/ui', headers);
    const signedIn = await browser.post(
      '/ui/login',
      { token: server.accessToken, portalId: '', next: '/ui/templates' },
      headers,
    );
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.location, '/ui/templates');
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('timeline_session=')) ?? '';
    assert.ok(cookie !== '' && !/;\s*Secure/i.test(cookie), cookie);
    const page = await browser.get('/ui/records/contacts', headers);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('evil.example'), 'no link names the forwarded host');
  });
});

describe("a session's portals", () => {
  it("a portal token's session cannot open another portal with ?portalId=", async () => {
    const other = Number(`8${server.portalId}`);
    const made = await server.request('PUT', `/_admin/v1/portals/${other}`, {
      token: server.credentials.adminToken,
      body: {},
    });
    assert.ok(made.status < 300, made.text);
    const browser = new TestBrowser(server.url);
    assert.equal((await browser.signIn(server.accessToken)).status, 303);
    for (const path of [
      `/ui/records/contacts?portalId=${other}`,
      `/ui/templates?portalId=${other}`,
      `/ui/records/contacts?portalId=${server.portalId}&portalId=${other}`,
      `/ui/records/contacts?portalId=${other}.0`,
      `/ui/records/contacts?portalId[]=${other}`,
    ]) {
      const page = await browser.get(path);
      assert.notEqual(page.status, 500, `${path}: ${page.text.slice(0, 200)}`);
      assert.ok(!page.text.includes(`portal ${other}`) || page.status >= 400, `${path} opened ${other}`);
      assert.ok(!page.text.includes(`portalId=${other}"`), `${path} links into portal ${other}`);
    }
  });
});
