/**
 * Secrets sent where the server does not expect them, against a real `serve` process logging at
 * debug: a token in a token-information path spelt `/%6Fauth/...` or `//oauth/...`, a client
 * secret in a body sent to `/%6Fauth/v3/token`, and OAuth JSON that cannot be parsed. None of them
 * may appear in the log, the journal or /metrics.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ServeProcess, signalAndWait, spawnServe } from '../helpers/serve-process.js';
import { testDatabase } from '../helpers/test-server.js';

const ADMIN = 'attack-logs-admin-token-0123456789';
const unique = `${process.pid}`.slice(-6);
const secret = (n: number) => `never-logged-secret-${n}-abcdefghijklmnop`;
let serve: ServeProcess;

before(async () => {
  serve = await spawnServe(testDatabase(), [
    '--portal-id',
    `61${unique}`,
    '--app-id',
    `62${unique}`,
    '--access-token',
    `attack-logs-token-${unique}`,
    '--developer-api-key',
    `attack-logs-key-${unique}`,
    '--admin-token',
    ADMIN,
    '--log-level',
    'debug',
  ]);
});
after(async () => {
  if (serve) await signalAndWait(serve, 'SIGTERM');
});

const call = (method: string, path: string, init: RequestInit = {}) =>
  fetch(`${serve.url}${path}`, { method, redirect: 'manual', ...init }).then(async (res) => ({
    status: res.status,
    text: await res.text(),
  }));

test('secrets in odd spellings of OAuth paths and bodies reach no log line, journal entry or metric', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const json = { 'content-type': 'application/json' };
  const sent = [
    await call('GET', `/%6Fauth/v1/access-tokens/${secret(1)}`),
    await call('GET', `/%6fauth/v1/refresh-tokens/${secret(2)}`),
    await call('DELETE', `/oauth/v1/refresh-tokens%2F${secret(3)}`),
    await call('POST', '/%6Fauth/v3/token', {
      headers: form,
      body: `grant_type=refresh_token&client_id=x&client_secret=${secret(4)}&refresh_token=${secret(5)}`,
    }),
    await call('POST', '/oauth/v3/token', {
      headers: json,
      body: `{"grant_type":"refresh_token","client_secret":"${secret(6)}" x}`,
    }),
    await call('POST', '/%6Fauth/2026-03/token/introspect', {
      headers: json,
      body: `{"token":${secret(7)}}`,
    }),
  ];
  for (const res of sent) assert.ok(res.status >= 400, res.text);
  const journal = await call('GET', '/_admin/v1/requests?limit=1000', {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  assert.equal(journal.status, 200);
  const metrics = await call('GET', '/metrics', { headers: { authorization: `Bearer ${ADMIN}` } });
  // Give the log a moment to reach the pipe.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const log = serve.output();
  assert.match(log, /oauth\/v1\/access-tokens\/\[REDACTED\]/, 'the log has the request lines, redacted');
  for (const [where, text] of [
    ['the log', log],
    ['the journal', journal.text],
    ['/metrics', metrics.text],
  ] as const) {
    assert.ok(!/never-logged-secret|abcdefghijklmnop/.test(text), `${where} holds a secret`);
  }
});
