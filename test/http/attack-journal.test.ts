/**
 * Attacks on what the server records (the request journal, /metrics, the answers themselves) by
 * spelling a path another way: the router decodes percent-escapes, so `/%6Fauth/v1/access-tokens/<t>`
 * reaches the token information route and `/%6Fauth/v3/token` the token endpoint, while their text
 * does not begin with `/oauth/`; `//oauth/...` and `access-tokens%2F<t>` reach no route but are
 * recorded all the same. None may leave a token, code or client secret in the journal. A request
 * to an admin route spelt `/%5Fadmin/...` is the admin's, which the journal never records. Two
 * Authorization headers: the first is the one read, everywhere.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/test-server.js';
import { ADMIN, authorizeCode, CLIENT, codeGrant, oauthPost, startOAuthServer } from './oauth-helpers.js';

let server: TestServer;
const clock = { now: () => Date.parse('2026-09-01T12:00:00Z') };
let accessToken = '';
let refreshToken = '';

before(async () => {
  server = await startOAuthServer(clock);
  const issued = await oauthPost(server, '/oauth/v1/token', codeGrant(await authorizeCode(server)));
  assert.equal(issued.status, 200, issued.text);
  accessToken = issued.json.access_token;
  refreshToken = issued.json.refresh_token;
});
after(() => server.close());

/** One request exactly as written (no client normalises its path or merges its headers). */
function raw(
  method: string,
  path: string,
  headers: [string, string][] = [],
  body = '',
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(server.url);
  const lines = [
    `${method} ${path} HTTP/1.1`,
    'Host: localhost',
    'Connection: close',
    ...headers.map(([name, value]) => `${name}: ${value}`),
    ...(body === '' ? [] : [`Content-Length: ${Buffer.byteLength(body)}`]),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`),
    );
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('end', () =>
      resolve({ status: Number(text.split(' ')[1]), text: text.slice(text.indexOf('\r\n\r\n') + 4) }),
    );
    socket.on('error', reject);
  });
}

async function recorded(): Promise<string> {
  const journal = await server.request('GET', '/_admin/v1/requests?limit=1000', { token: ADMIN });
  assert.equal(journal.status, 200, journal.text);
  const metrics = await server.request('GET', '/metrics', { token: ADMIN });
  return `${journal.text}\n${metrics.text}`;
}

describe('a path spelt another way records no secret', () => {
  it('the token information routes, percent-escaped or with doubled slashes', async () => {
    const spellings = [
      `/%6Fauth/v1/access-tokens/${accessToken}`,
      `/%6fauth/v1/refresh-tokens/${refreshToken}`,
      `/oauth/v1/%61ccess-tokens/${accessToken}`,
      `//oauth/v1/access-tokens/${accessToken}`,
      `/oauth//v1/refresh-tokens/${refreshToken}`,
      `/oauth/v1/access-tokens%2F${accessToken}`,
      `/oauth/v1/access-tokens/${accessToken}/`,
      `/OAUTH/V1/ACCESS-TOKENS/${accessToken}`,
    ];
    const reached = [];
    for (const path of spellings) reached.push((await raw('GET', path)).status);
    // The percent-escaped spellings and the trailing slash reach the route: the attack is real.
    assert.deepEqual(reached.slice(0, 3), [200, 200, 200]);
    const text = await recorded();
    for (const secret of [accessToken, refreshToken])
      assert.ok(!text.includes(secret), 'a token was recorded');
    assert.match(text, /\/oauth\/v1\/access-tokens\/\[REDACTED\]/);
  });

  it('the token endpoint spelt /%6Fauth/v3/token: its body is redacted', async () => {
    const code = await authorizeCode(server);
    const fields = new URLSearchParams({ ...codeGrant(code), code_verifier: 'verifier-secret-0123' });
    const headers: [string, string][] = [['Content-Type', 'application/x-www-form-urlencoded']];
    const used = await raw('POST', '/%6Fauth/v3/token', headers, fields.toString());
    assert.equal(used.status, 200, used.text);
    const again = await raw('POST', '/%6Fauth/v3/token', headers, fields.toString());
    assert.equal(again.status, 400, 'a code is used once; the refusal is journaled with its body');
    const refresh = new URLSearchParams({
      grant_type: 'refresh_token',
      ...CLIENT,
      refresh_token: refreshToken,
    });
    assert.equal((await raw('POST', '/oauth//v3/token', headers, refresh.toString())).status, 404);
    const text = await recorded();
    for (const secret of [code, CLIENT.client_secret, refreshToken, 'verifier-secret-0123'])
      assert.ok(!text.includes(secret), `'${secret.slice(0, 8)}…' was recorded`);
  });

  it('an admin route spelt /%5Fadmin/... is not journaled (its body may hold a chosen secret)', async () => {
    const made = await raw(
      'POST',
      '/%5Fadmin/v1/access-tokens',
      [
        ['Authorization', `Bearer ${ADMIN}`],
        ['Content-Type', 'application/json'],
      ],
      JSON.stringify({ portalId: server.portalId, appId: server.appId, token: 'chosen-token-secret-1' }),
    );
    assert.equal(made.status, 201, made.text);
    assert.ok(!(await recorded()).includes('chosen-token-secret-1'));
  });
});

describe('an OAuth body that is not valid JSON records no secret', () => {
  it("neither the body nor the parser's excerpt of it reaches the journal or the answer", async () => {
    const secret = (n: number) => `leaky-client-secret-${n}-0123456789`;
    const bodies = [
      `{"client_id":"client-1","client_secret":"${secret(1)}" x}`,
      `{"client_secret":"${secret(2)}",}`,
      `{"refresh_token":${secret(3)}}`,
      `{"code":"${secret(4)}"`,
      ` [{"client_secret":"${secret(5)}"}`,
    ];
    for (const path of ['/oauth/v1/token', '/oauth/v3/token', '/oauth/2026-03/token/introspect']) {
      for (const [i, body] of bodies.entries()) {
        const res = await server.request('POST', path, {
          token: false,
          body,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.ok(!/leaky|0123456789/.test(res.text), `${path} echoes the body: ${res.text}`);
        assert.ok(res.text.includes('Invalid input JSON'), res.text);
        assert.ok(!(await recorded()).includes(secret(i + 1)), `${path} journaled body ${i + 1}`);
      }
    }
    const text = await recorded();
    assert.ok(!/leaky-client|-0123456789/.test(text), 'no part of a secret is recorded');
  });
});

describe('two Authorization headers', () => {
  it('the first is read: a wrong one first is refused, even with the admin token second', async () => {
    const wrongFirst: [string, string][] = [
      ['Authorization', 'Bearer wrong'],
      ['Authorization', `Bearer ${ADMIN}`],
    ];
    assert.equal((await raw('GET', '/_admin/v1/clock', wrongFirst)).status, 401);
    assert.equal((await raw('GET', '/metrics', wrongFirst)).status, 401);
    const portal: [string, string][] = [
      ['Authorization', 'Bearer wrong'],
      ['Authorization', `Bearer ${server.accessToken}`],
    ];
    assert.equal((await raw('GET', '/_timeline/v1/objects/contacts', portal)).status, 401);
    for (const value of [`Bearer ${ADMIN}, Bearer x`, `Bearer ${ADMIN} x`, `Basic ${btoa(`a:${ADMIN}`)}`]) {
      assert.equal((await raw('GET', '/_admin/v1/clock', [['Authorization', value]])).status, 401, value);
    }
    assert.equal(
      (await raw('GET', '/_admin/v1/clock', [['Authorization', `bearer  ${ADMIN} `]])).status,
      200,
    );
  });
});
