/**
 * `serve --project DIR [--watch]`: a HubSpot project's app event types load for the
 * provisioned app at start, a bad file stops the start naming the file, field and limit, and with
 * --watch a changed or added file loads again. Through `startServer`, as the CLI calls it, plus one
 * run of the real command.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from '../http/app-event-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'app-event-project-'));
after(() => rmSync(root, { recursive: true, force: true }));

let projects = 0;
/** A project folder laid out as HubSpot's template: `src/app/app-events/<name>-hsmeta.json`. */
function project(files: Record<string, unknown>): string {
  const dir = join(root, `project-${++projects}`);
  mkdirSync(join(dir, 'src', 'app', 'app-events'), { recursive: true });
  writeFileSync(
    join(dir, 'hsproject.json'),
    JSON.stringify({ name: 'demo', srcDir: 'src', platformVersion: '2026.03' }),
  );
  for (const [name, document] of Object.entries(files))
    writeFileSync(join(dir, 'src', 'app', 'app-events', name), JSON.stringify(document));
  return dir;
}

async function listed(server: TestServer): Promise<Record<string, { config: { name: string } }>> {
  const list = await server.request('GET', `/_admin/v1/apps/${server.appId}/app-event-types`, {
    token: 'admin-secret',
  });
  return Object.fromEntries(list.json.results.map((t: { uid: string }) => [t.uid, t]));
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail('the change was not loaded within 5 s');
}

describe('serve --project', () => {
  test('loads every *-hsmeta.json of src/app/app-events for the provisioned app', async () => {
    const dir = project({
      'course-hsmeta.json': hsmeta(),
      'webinar-hsmeta.json': hsmeta({ uid: 'webinar' }, { name: 'Webinar' }),
      'notes.json': { not: 'an app event' },
    });
    const server = await startTestServer({ adminToken: 'admin-secret', project: dir });
    try {
      const types = await listed(server);
      assert.deepEqual(Object.keys(types).sort(), ['course_enrollment', 'webinar']);
      const sent = await server.request('POST', '/integrators/timeline/v4/events', {
        body: { eventTypeName: 'webinar', id: 'w1', email: 'w@example.com', properties: { format: 'live' } },
      });
      assert.equal(sent.status, 200, sent.text);
    } finally {
      await server.close();
    }
  });

  test('a bad file stops the start, naming the file, the field and the limit', async () => {
    const dir = project({ 'long-hsmeta.json': hsmeta({}, { name: 'n'.repeat(60) }) });
    await assert.rejects(
      startTestServer({ project: dir }),
      /src\/app\/app-events\/long-hsmeta\.json: config\.name is 60 characters; the limit is 50/,
    );
  });

  test('--watch loads a changed file and a new file', async () => {
    const dir = project({ 'course-hsmeta.json': hsmeta() });
    const server = await startTestServer({ adminToken: 'admin-secret', project: dir, watch: 'true' });
    try {
      const events = join(dir, 'src', 'app', 'app-events');
      writeFileSync(
        join(events, 'course-hsmeta.json'),
        JSON.stringify(hsmeta({}, { name: 'Course signup' })),
      );
      await eventually(async () => (await listed(server)).course_enrollment?.config.name === 'Course signup');
      writeFileSync(join(events, 'extra-hsmeta.json'), JSON.stringify(hsmeta({ uid: 'extra' })));
      await eventually(async () => (await listed(server)).extra !== undefined);
      // A broken save is reported and leaves the loaded type as it was.
      writeFileSync(join(events, 'extra-hsmeta.json'), '{ "uid": ');
      await sleep(400);
      assert.ok((await listed(server)).extra);
    } finally {
      await server.close();
    }
  });

  test('the real command refuses a bad project with the problem on stderr', () => {
    const dir = project({ 'bad-hsmeta.json': hsmeta({ type: 'card' }) });
    const entry = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
    const run = spawnSync(
      process.execPath,
      [entry, 'serve', '--port', '0', '--db', ':memory:', '--project', dir],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /bad-hsmeta\.json: type must be 'app-event'/);
  });
});
