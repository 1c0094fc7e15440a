/**
 * Attacks through `timeline-server events export` (which reads /_timeline/v1 as any client does):
 * an app's token cannot export the portal (the records list spans every app's events), a portal's
 * token exports its own portal only, never another's on the same server, and the file it writes
 * is readable by its owner only, as the database is.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/cli-runner.js';
import { ok, startTestServer, type TestServer } from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';

const dir = mkdtempSync(join(tmpdir(), 'attack-export-'));
let server: TestServer;
const b = { portalId: 0, appId: 0, key: '', token: '', marker: 'B portal secret value' };
let appToken = '';

before(async () => {
  server = await startTestServer();
  const admin = (path: string, body: unknown, method = 'POST') =>
    server.request(method, path, { token: server.credentials.adminToken, body }).then(ok);
  b.portalId = Number(`8${server.portalId}`);
  b.appId = Number(`8${server.appId}`);
  b.key = `export-b-key-${server.portalId}`;
  await admin(`/_admin/v1/portals/${b.portalId}`, {}, 'PUT');
  await admin('/_admin/v1/developer-accounts', { apiKey: b.key, appId: b.appId });
  b.token = (
    await admin('/_admin/v1/access-tokens', { portalId: b.portalId, appId: b.appId, kind: 'private-app' })
  ).json.token;
  appToken = (await admin('/_admin/v1/access-tokens', { portalId: server.portalId, appId: server.appId }))
    .json.token;
  const templateOf = async (appId: number, key: string) =>
    (
      await ok(
        await server.request('POST', `/integrators/timeline/v3/${appId}/event-templates?hapikey=${key}`, {
          token: false,
          body: webinarTemplate,
        }),
      )
    ).json.id as string;
  const [aTemplate, bTemplate] = [
    await templateOf(server.appId, server.apiKey),
    await templateOf(b.appId, b.key),
  ];
  const send = (token: string, eventTemplateId: string, id: string, webinarName: string) =>
    server
      .request('POST', '/integrators/timeline/v3/events', {
        token,
        body: { eventTemplateId, id, email: 'same-person@example.com', tokens: { webinarName } },
      })
      .then(ok);
  await send(server.accessToken, aTemplate, 'a-export-1', 'A value');
  await send(b.token, bTemplate, 'b-export-1', b.marker);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const exportWith = (token: string, file: string) =>
  runCli(['events', 'export', '--base-url', server.url, '--access-token', token, '--output', file]);

describe('events export', () => {
  it("a portal's token exports its portal's events only, to a file only its owner can read", async () => {
    const file = join(dir, 'a.ndjson');
    const run = await exportWith(server.accessToken, file);
    assert.equal(run.code, 0, run.stderr);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes('a-export-1'), text);
    assert.ok(!text.includes(b.marker) && !text.includes('b-export-1'), "B's event in A's export");
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the export is readable by its owner only');
  });

  it("an app's token is refused before anything is written", async () => {
    const file = join(dir, 'app.ndjson');
    const run = await exportWith(appToken, file);
    assert.notEqual(run.code, 0, run.stdout);
    assert.match(run.stderr, /403|FORBIDDEN|portal/i);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    assert.ok(!text.includes('export-1'), text);
  });
});
