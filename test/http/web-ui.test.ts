/** The `/ui` pages over HTTP: sign-in, the session cookie, and what a signed-out browser gets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
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

  it('refuses a wrong token with an alert and no cookie; a good one gets a session cookie', async () => {
    const wrong = await server.request('POST', '/ui/login', form({ token: '<b>nope</b>' }));
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /role="alert">That token is not valid/);
    assert.equal(wrong.headers.get('set-cookie'), null);
    const admin = await server.request('POST', '/ui/login', form({ token: server.credentials.adminToken }));
    assert.equal(admin.status, 401, 'the admin token needs a portal id');
    const good = await fetch(`${server.url}/ui/login`, {
      method: 'POST',
      redirect: 'manual',
      ...form({ token: server.accessToken }),
    });
    assert.equal(good.status, 303);
    const cookie = good.headers.get('set-cookie') ?? '';
    assert.match(
      cookie,
      /^timeline_ui=[\w-]+; Path=\/ui; HttpOnly; SameSite=Strict$/,
      'a session cookie: no expiry',
    );
    const records = await server.request('GET', '/ui/records/contacts', {
      token: false,
      headers: { cookie: cookie.split(';')[0] as string },
    });
    assert.equal(records.status, 200);
    assert.match(records.text, /contacts with events/);
  });
});
