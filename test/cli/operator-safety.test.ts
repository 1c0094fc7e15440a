/**
 * What a new user met when they tried the server, each as the user meets it: the
 * real command, its exit code and its words.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { SERVE_CREDENTIALS, signalAndWait, spawnServe } from '../helpers/serve-process.js';
import { webinarTemplate } from '../helpers/webinar-template.js';
import { collect, ENTRY, runCli } from './cli-runner.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PG_URL = process.env.TIMELINE_TEST_PG_URL;
const dir = mkdtempSync(join(tmpdir(), 'operator-safety-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a --db that cannot be used', () => {
  it('a directory: names the path, the cause and the fix, exit 2', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const result = await runCli(['serve', '--port', '0', '--db', folder]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`cannot open the SQLite database ${folder}`));
    assert.match(result.stderr, /it is a directory; name a file inside it/);
    assert.doesNotMatch(result.stderr, /\[object Object\]/);
  });

  it('a path in a folder that does not exist (under /proc too): says so at once, exit 2, nothing created', async () => {
    // Node's recursive mkdir never returned on the /proc path (it retried at full CPU for ever).
    for (const db of ['/proc/no-such-folder/timeline.db', join(dir, 'one', 'two', 'timeline.db')]) {
      const started = Date.now();
      const result = await runCli(['serve', '--port', '0', '--db', db]);
      assert.equal(result.code, 2, result.stderr);
      assert.ok(Date.now() - started < 10_000, 'at once, not after a hang');
      assert.match(result.stderr, /--db names .*timeline\.db, in a folder that does not exist/);
      assert.match(result.stderr, /create the folder first, or choose a file in a folder that exists/);
    }
    assert.equal(existsSync(join(dir, 'one')), false, 'no folder was made');
    // From the environment, the variable is named.
    const fromEnv = await runCli(['serve', '--port', '0'], {
      env: { TIMELINE_DB: join(dir, 'nope', 'x.db') },
    });
    assert.equal(fromEnv.code, 2, fromEnv.stderr);
    assert.match(fromEnv.stderr, /TIMELINE_DB names .*x\.db, in a folder that does not exist/);
  });

  it('without --db, ./data is created for ./data/timeline.db', async () => {
    const cwd = join(dir, 'fresh-cwd');
    mkdirSync(cwd);
    const child = spawn(process.execPath, [ENTRY, 'serve', '--port', '0'], {
      cwd,
      env: { ...process.env, TIMELINE_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // TIMELINE_DB='' is refused (an empty setting): so the test's environment cannot leak a --db.
    const refused = await collect(child);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /TIMELINE_DB is empty: give it a value, or unset it for the default/);
    const env = { ...process.env };
    delete env.TIMELINE_DB;
    const server = spawn(process.execPath, [ENTRY, 'serve', '--port', '0', '--log-level', 'silent'], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        server.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/^listening on /m.test(out)) resolve();
        });
        server.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      assert.equal(existsSync(join(cwd, 'data', 'timeline.db')), true);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  });

  it('a file that is not SQLite: says so, exit 2, and leaves the file as it was', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const result = await runCli(['serve', '--port', '0', '--db', file]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /file is not a database/);
    assert.equal(readFileSync(file, 'utf8'), 'these are my notes, not a database\n'.repeat(200));
  });

  it('an unknown URL scheme is refused, naming the schemes that work; no file is made', async () => {
    const result = await runCli(['serve', '--port', '0', '--db', 'postgress://user@localhost/db']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /scheme 'postgress:\/\/'/);
    assert.match(result.stderr, /use postgres:\/\/ \(or postgresql:\/\/\)/);
    assert.equal(existsSync('postgress:'), false);
  });

  it('a second server on the same SQLite file refuses to start, saying why (exit 2)', async () => {
    const db = join(dir, 'shared.db');
    const first = await spawnServe(db);
    try {
      const second = await runCli(['serve', '--port', '0', '--db', db]);
      assert.equal(second.code, 2, second.stderr);
      assert.match(second.stderr, /another process holds it/);
      assert.match(second.stderr, /one timeline-server per SQLite file/);
      // The first one still serves.
      assert.equal((await fetch(`${first.url}/_health`)).status, 200);
    } finally {
      await signalAndWait(first, 'SIGTERM');
    }
  });

  it('an unreachable PostgreSQL: exit 1, the URL shown without its password', async () => {
    const result = await runCli([
      'serve',
      '--port',
      '0',
      '--db',
      'postgres://someone:hunter2@127.0.0.1:1/db',
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /cannot reach the database postgres:\/\/someone:\[REDACTED\]@127\.0\.0\.1:1\/db/,
    );
    assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
  });
});

describe('the command line', () => {
  it('--version prints the package version; an unknown flag is a usage error (exit 2)', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), pkg.version);
    const bogus = await runCli(['serve', '--bogus']);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /unknown option '--bogus'/);
    assert.match(bogus.stderr, /--help/);
  });

  it('--help shows each setting with its default and environment variable, and the exit codes', async () => {
    const help = await runCli(['serve', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--port <port>[\s\S]*default:\s+"8080",\s+env: TIMELINE_PORT/);
    const top = await runCli(['--help']);
    assert.match(top.stdout, /Exit codes: 0 success; 1 .*; 2 a usage error/);
  });
});

describe('state set through the API survives a restart', () => {
  it("a portal's time zone set with PUT /_admin/v1/portals/{id} stays without --time-zone; the flag wins", async () => {
    const db = join(dir, 'zone.db');
    const admin = ['--admin-token', 'zone-admin'];
    const first = await spawnServe(db, admin);
    const put = await fetch(`${first.url}/_admin/v1/portals/${SERVE_CREDENTIALS.portalId}`, {
      method: 'PUT',
      headers: { authorization: 'Bearer zone-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ timeZone: 'America/New_York' }),
    });
    assert.equal(put.status, 200, await put.text());
    await signalAndWait(first, 'SIGTERM');

    const second = await spawnServe(db, admin);
    assert.match(second.output(), /time zone America\/New_York/);
    await signalAndWait(second, 'SIGTERM');

    const third = await spawnServe(db, [...admin, '--time-zone', 'Europe/Paris']);
    assert.match(third.output(), /time zone Europe\/Paris/);
    await signalAndWait(third, 'SIGTERM');
  });
});

describe('secrets never printed', () => {
  it('no hapikey in the request log at --log-level info', async () => {
    const server = await spawnServe(join(dir, 'logs.db'), ['--log-level', 'info']);
    const path = `/integrators/timeline/v3/${SERVE_CREDENTIALS.appId}/event-templates`;
    const listed = await fetch(`${server.url}${path}?hapikey=${SERVE_CREDENTIALS.developerApiKey}`);
    assert.equal(listed.status, 200);
    await signalAndWait(server, 'SIGTERM');
    const log = server.output();
    assert.match(log, /event-templates\?hapikey=\[REDACTED\]/, 'the request was logged');
    assert.doesNotMatch(log, new RegExp(`hapikey=${SERVE_CREDENTIALS.developerApiKey}`));
  });

  it('the banner shows a PostgreSQL URL without its password, and creates the search_path schema', {
    skip: PG_URL ? false : 'TIMELINE_TEST_PG_URL is not set: PostgreSQL case skipped',
  }, async () => {
    const schema = `operator_safety_${process.pid}_${Date.now()}`;
    const url = new URL(PG_URL as string);
    url.password = 'not-a-real-password';
    url.searchParams.set('options', `-c search_path=${schema}`);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      // The schema does not exist yet: docs/scaling.md says the server creates it.
      const server = await spawnServe(url.toString());
      await signalAndWait(server, 'SIGTERM');
      assert.match(server.output(), /database: +postgres:\/\/[^:]+:\[REDACTED\]@/);
      assert.doesNotMatch(server.output(), /not-a-real-password/);
      const found = await admin.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1', [
        schema,
      ]);
      assert.ok((found.rowCount ?? 0) > 0, 'the server made its tables in the URL schema');
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});

describe('templates and Handlebars', () => {
  it('a template naming a prototype property is refused when saved; nothing reaches stderr', async () => {
    const server = await spawnServe(join(dir, 'handlebars.db'), ['--log-level', 'silent']);
    try {
      const path = `/integrators/timeline/v3/${SERVE_CREDENTIALS.appId}/event-templates?hapikey=${SERVE_CREDENTIALS.developerApiKey}`;
      for (const header of ['{{toString}}', '{{constructor.name}}', '{{#if __proto__}}x{{/if}}']) {
        const created = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...webinarTemplate, headerTemplate: header }),
        });
        const body = (await created.json()) as { category: string; message: string };
        assert.equal(created.status, 400, `${header}: ${JSON.stringify(body)}`);
        assert.match(body.message, /names a built-in property of every object/);
      }
    } finally {
      await signalAndWait(server, 'SIGTERM');
    }
    assert.doesNotMatch(server.output(), /Handlebars/);
  });
});
