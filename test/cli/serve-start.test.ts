/**
 * `timeline-server serve` as it starts, as a user sees it: the banner says what to do next and
 * which secrets are new; an empty credential is refused; a server reachable from the network is
 * warned about; logs are readable lines on a terminal and JSON elsewhere (or as asked).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify, stripVTControlCharacters } from 'node:util';
import { loggerOptions } from '../../src/http/logger-options.js';
import { ENTRY, runCli } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'serve-start-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  /** Everything printed so far, stdout and stderr. */
  out: () => string;
  stdout: () => string;
  stderr: () => string;
}

/** Environment without the machine's TIMELINE_* settings, so a test sees only its own. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TIMELINE_')) env[key] = value;
  return { ...env, ...extra };
}

function serve(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [ENTRY, 'serve', '--port', '0', '--db', ':memory:', ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(stdout);
      if (match?.[1]) {
        resolve({
          child,
          url: match[1],
          out: () => stdout + stderr,
          stdout: () => stdout,
          stderr: () => stderr,
        });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before listening:\n${stdout}${stderr}`)),
    );
  });
}

async function stop(started: Started): Promise<void> {
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
}

/** The value of a `key: value` line of the banner. */
function bannerValue(stdout: string, key: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`${key}:`));
  assert.ok(line, `no '${key}:' line in:\n${stdout}`);
  return line.slice(key.length + 1).trim();
}

describe('the start banner says what to do next', () => {
  it('the UI, the docs, and a curl that works as printed; listening on comes last', async () => {
    const server = await serve([]);
    try {
      const out = server.stdout();
      assert.equal(bannerValue(out, 'web UI').split(' ')[0], `${server.url}/ui`);
      const ui = await fetch(`${server.url}/ui`, { redirect: 'manual' });
      assert.ok(ui.status < 400, `the UI answers: ${ui.status}`);
      const docs = bannerValue(out, 'docs');
      for (const path of docs.match(/\S+\.md/g) ?? []) assert.ok(existsSync(path), `${path} exists`);
      assert.match(docs, /README\.md and \S*docs\/testing\.md/);
      // The curl line, run by a shell as a user would paste it.
      const curl = bannerValue(out, 'try');
      assert.match(curl, /^curl /);
      assert.ok(curl.includes(bannerValue(out, 'access token')), 'with the printed token');
      const { stdout } = await promisify(execFile)('sh', ['-c', curl]);
      assert.deepEqual(JSON.parse(stdout), { results: [] });
      assert.match(out.trimEnd().split('\n').at(-1) ?? '', /^listening on http:\/\//);
    } finally {
      await stop(server);
    }
  });

  it('names the secrets generated for this start and how to keep them; not those given', async () => {
    const generated = await serve([]);
    try {
      const out = generated.stdout();
      assert.match(
        out,
        /new secrets: +access token, developer API key, admin token and oauth secret were generated for this start\n +to keep them across restarts, give --access-token, --developer-api-key, --admin-token and --oauth-client-secret \(or TIMELINE_ACCESS_TOKEN, /,
      );
    } finally {
      await stop(generated);
    }
    // A database that outlives the process: the secrets of its previous start stop working.
    const kept = await serve(['--db', join(dir, 'secrets-banner.db')]);
    try {
      assert.match(kept.stdout(), /generated for this start; the previous start's no longer work\n/);
    } finally {
      await stop(kept);
    }
    const some = await serve(['--access-token', 'given-token', '--admin-token', 'given-admin'], {
      TIMELINE_OAUTH_CLIENT_SECRET: 'given-secret',
    });
    try {
      assert.match(
        some.stdout(),
        /new secrets: +developer API key was generated for this start[^\n]*\n +to keep it across restarts, give --developer-api-key \(or TIMELINE_DEVELOPER_API_KEY\)/,
      );
    } finally {
      await stop(some);
    }
    const all = await serve([
      '--access-token',
      'a',
      '--developer-api-key',
      'b',
      '--admin-token',
      'c',
      '--oauth-client-secret',
      'd',
    ]);
    try {
      assert.doesNotMatch(all.stdout(), /new secrets/);
    } finally {
      await stop(all);
    }
  });
});

describe('an empty credential is a start-up error (exit 2), not a credential that matches', () => {
  const settings = [
    ['TIMELINE_ADMIN_TOKEN', '--admin-token'],
    ['TIMELINE_ACCESS_TOKEN', '--access-token'],
    ['TIMELINE_DEVELOPER_API_KEY', '--developer-api-key'],
    ['TIMELINE_OAUTH_CLIENT_ID', '--oauth-client-id'],
    ['TIMELINE_OAUTH_CLIENT_SECRET', '--oauth-client-secret'],
  ] as const;
  for (const [variable, flag] of settings) {
    it(`${variable} set to '' and to '  ', and ${flag} ''`, async () => {
      for (const [value, what] of [
        ['', 'is empty'],
        ['  ', 'is only whitespace'],
      ] as const) {
        const result = await runCli(['serve', '--port', '0', '--db', ':memory:'], {
          env: { [variable]: value },
        });
        assert.equal(result.code, 2, `${variable}='${value}': ${result.stdout}${result.stderr}`);
        assert.match(
          result.stderr,
          new RegExp(
            `^timeline-server: ${variable} ${what}: give it a value, or unset it to have one generated\\n$`,
          ),
        );
        assert.doesNotMatch(result.stdout, /listening on/);
      }
      const flagged = await runCli(['serve', '--port', '0', '--db', ':memory:', flag, '']);
      assert.equal(flagged.code, 2, flagged.stderr);
      assert.match(flagged.stderr, new RegExp(`${flag} is empty: give it a value`));
    });
  }

  it('a credential with whitespace around it (no request could send it) is refused too', async () => {
    const result = await runCli(['serve', '--port', '0', '--db', ':memory:'], {
      env: { TIMELINE_ADMIN_TOKEN: ' secret ' },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /TIMELINE_ADMIN_TOKEN starts or ends with whitespace/);
  });

  it('an empty setting of another kind is refused, not read as 0 or as no host', async () => {
    for (const variable of ['TIMELINE_PORT', 'TIMELINE_HOST']) {
      const result = await runCli(['serve', '--db', ':memory:'], { env: { [variable]: '' } });
      assert.equal(result.code, 2, `${variable}: ${result.stderr}`);
      assert.match(
        result.stderr,
        new RegExp(`${variable} is empty: give it a value, or unset it for the default`),
      );
    }
  });

  it('the client commands: an empty HUBSPOT_ACCESS_TOKEN or TIMELINE_ADMIN_TOKEN is named (exit 2)', async () => {
    const imported = await runCli(['events', 'import', join(dir, 'none.ndjson')], {
      env: { HUBSPOT_ACCESS_TOKEN: '  ' },
    });
    assert.equal(imported.code, 2, imported.stderr);
    assert.match(
      imported.stderr,
      /--access-token <token>' value ' {2}' from env 'HUBSPOT_ACCESS_TOKEN' is invalid/,
    );
    assert.match(imported.stderr, /only whitespace: give the value, or unset the variable/);
    const seeded = await runCli(['seed', join(dir, 'none.json')], { env: { TIMELINE_ADMIN_TOKEN: '' } });
    assert.equal(seeded.code, 2, seeded.stderr);
    assert.match(seeded.stderr, /from env 'TIMELINE_ADMIN_TOKEN' is invalid. It is empty/);
  });
});

describe('a server reachable from the network is warned about', () => {
  it('--host 0.0.0.0: a warning naming the admin, OAuth approval and UI routes, and how to restrict it', async () => {
    const server = await serve(['--host', '0.0.0.0']);
    try {
      const warning = server.stderr();
      assert.match(
        warning,
        /^warning: listening on 0\.0\.0\.0 \(every network interface\): other machines can reach/,
      );
      assert.match(warning, /\/_admin[\s\S]*\/oauth\/authorize[\s\S]*\/ui/);
      assert.match(warning, /fix: to keep them on this machine, use --host 127\.0\.0\.1/);
      // What to open on this machine: loopback, not the wildcard.
      assert.match(bannerValue(server.stdout(), 'web UI'), /^http:\/\/127\.0\.0\.1:\d+\/ui /);
    } finally {
      await stop(server);
    }
  });

  it('loopback (the default, or localhost): no warning', async () => {
    for (const args of [[], ['--host', 'localhost']]) {
      const server = await serve(args);
      try {
        assert.doesNotMatch(server.out(), /warning/);
      } finally {
        await stop(server);
      }
    }
  });
});

/** Lines of the log: what follows the banner. */
async function logLines(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const server = await serve(['--log-level', 'info', ...args], env);
  try {
    await fetch(`${server.url}/_health?hapikey=should-not-show`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return server
      .stdout()
      .split('\n')
      .filter((line) => /incoming request|request completed|Server listening/.test(line));
  } finally {
    await stop(server);
  }
}

describe('logs: readable on a terminal, JSON elsewhere or when asked', () => {
  it('not a terminal: JSON lines (what a log collector reads)', async () => {
    const lines = await logLines([]);
    assert.ok(lines.length >= 3, lines.join('\n'));
    for (const line of lines) assert.equal(typeof JSON.parse(line).level, 'number');
    assert.ok(lines.some((line) => line.includes('hapikey=[REDACTED]')));
  });

  for (const [how, args, env] of [
    ['--log-format pretty', ['--log-format', 'pretty'], {}],
    ['TIMELINE_LOG_FORMAT=pretty', [], { TIMELINE_LOG_FORMAT: 'pretty' }],
  ] as const) {
    it(`${how}: readable lines with a time and a level, secrets still redacted`, async () => {
      const lines = await logLines([...args], env);
      assert.ok(lines.length >= 3, lines.join('\n'));
      for (const line of lines) {
        assert.match(line, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: /);
        assert.doesNotMatch(line, /"level":/);
      }
      assert.ok(lines.some((line) => line.includes('hapikey=[REDACTED]')));
      assert.ok(lines.every((line) => !line.includes('should-not-show')));
    });
  }

  it('--log-format json on a terminal: JSON; a format that does not exist: exit 2', async () => {
    assert.equal(loggerOptions({ logLevel: 'info', logFormat: 'json' }, true) instanceof Object, true);
    const json = loggerOptions({ logLevel: 'info', logFormat: 'json' }, true) as { stream?: unknown };
    assert.equal(json.stream, undefined, 'pino writes JSON itself');
    const bad = await runCli(['serve', '--db', ':memory:', '--log-format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-format must be json or pretty, got 'xml'/);
  });

  it('on a terminal (a pseudo-terminal by script(1)): readable lines by default', {
    skip: existsSync('/usr/bin/script') ? false : 'script(1) is not installed',
  }, async () => {
    const pretty = loggerOptions({ logLevel: 'info', logFormat: undefined }, true) as { stream?: unknown };
    assert.ok(pretty.stream, 'a pretty stream on a terminal');
    const command = `${process.execPath} ${ENTRY} serve --port 0 --db :memory: --log-level info`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: cleanEnv({}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${out}`)), 20_000);
      const check = setInterval(() => {
        if (/Server listening/.test(out)) {
          clearTimeout(timer);
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    // Colour codes stripped: what a person reads.
    const plain = stripVTControlCharacters(out);
    assert.match(plain, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http/m);
    assert.doesNotMatch(plain, /"level":30/);
  });
});
