/** `timeline-server serve` as a user runs it: a real process, its printed lines, restarts, signals. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'serve-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  lines: Record<string, string>;
  /** Everything printed up to `listening on`. */
  output: string;
}

function serve(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [ENTRY, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (match?.[1]) {
        const lines = Object.fromEntries(
          out
            .split('\n')
            .map((line) => /^([a-z ]+?):\s+(.*)$/i.exec(line))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => [m[1] as string, m[2] as string]),
        );
        resolve({ child, url: match[1], lines, output: out });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${out}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('timeline-server serve', () => {
  it('starts on a fresh file, prints its credentials, keeps its ids across a restart and makes new secrets', async () => {
    const db = join(dir, 'fresh.db');
    const first = await serve(['--db', db]);
    const health = await fetch(`${first.url}/_health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.match(first.lines['access token'] ?? '', /\S+/);
    assert.match(first.lines['developer API key'] ?? '', /\S+/);
    assert.equal(await stop(first.child, 'SIGTERM'), 0);

    // The file keeps no secret in readable form: only their hashes.
    const stored = ['', '-wal']
      .map((suffix) =>
        existsSync(`${db}${suffix}`) ? readFileSync(`${db}${suffix}`).toString('latin1') : '',
      )
      .join('');
    for (const key of ['access token', 'developer API key', 'admin token', 'oauth secret']) {
      const secret = first.lines[key] ?? '';
      assert.match(secret, /^[a-z-]+[A-Za-z0-9_-]{43}$/, `${key}: 256 random bits`);
      assert.ok(!stored.includes(secret), `the database file holds the ${key}`);
    }

    const second = await serve(['--db', db]);
    assert.match(first.lines['oauth client id'] ?? '', /\S+/);
    for (const key of ['portal id', 'app id', 'oauth client id', 'oauth redirect uri']) {
      assert.equal(second.lines[key], first.lines[key], key);
    }
    // Secrets not given are made anew at each start (the file cannot show the old ones again).
    for (const key of ['access token', 'developer API key', 'admin token', 'oauth secret']) {
      assert.notEqual(second.lines[key], first.lines[key], key);
    }
    // The printed token and key work; the last start's no longer do.
    const list = await fetch(
      `${second.url}/integrators/timeline/v3/${second.lines['app id']}/event-templates?hapikey=${second.lines['developer API key']}`,
    );
    assert.equal(list.status, 200);
    const old = await fetch(`${second.url}/crm/v3/objects/contacts`, {
      headers: { authorization: `Bearer ${first.lines['access token']}` },
    });
    assert.equal(old.status, 401);
    const current = await fetch(`${second.url}/crm/v3/objects/contacts`, {
      headers: { authorization: `Bearer ${second.lines['access token']}` },
    });
    assert.equal(current.status, 200);
    assert.equal(await stop(second.child, 'SIGINT'), 0);
  });

  it('takes credentials from flags and environment variables, flags first', async () => {
    const db = join(dir, 'given.db');
    const started = await serve(
      ['--db', db, '--app-id', '555', '--developer-api-key', 'flag-key', '--time-zone', 'Europe/Paris'],
      { TIMELINE_APP_ID: '999', TIMELINE_PORTAL_ID: '321', TIMELINE_ACCESS_TOKEN: 'env-token' },
    );
    assert.equal(started.lines['app id'], '555');
    assert.match(started.lines['portal id'] ?? '', /^321 \(time zone Europe\/Paris\)$/);
    // A secret given is not printed (the output may end up in a log): the banner says where it came from.
    assert.equal(started.lines['access token'], '(as given by --access-token or TIMELINE_ACCESS_TOKEN)');
    assert.ok(!started.output.includes('env-token') && !started.output.includes('flag-key'));
    const templates = await fetch(
      `${started.url}/integrators/timeline/v3/555/event-templates?hapikey=flag-key`,
    );
    assert.equal(templates.status, 200);
    const event = await fetch(`${started.url}/integrators/timeline/v3/events/1/x`, {
      headers: { authorization: 'Bearer env-token' },
    });
    assert.equal(event.status, 404, 'the token is known: the event is not');
    assert.equal(await stop(started.child, 'SIGTERM'), 0);
  });

  it('refuses a bad setting with a message naming it', async () => {
    const child = spawn(process.execPath, [ENTRY, 'serve', '--port', 'eighty', '--db', ':memory:'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /--port must be an integer/);
  });
});
