/**
 * What the client commands say when the user's setup is wrong: an output, rejects or checkpoint path
 * that cannot be written is refused before anything is sent (exit 2, naming the flag); a server that
 * cannot be reached or refuses the admin token is named, with what to do; and retries are shown as
 * they happen, the give-up advice naming only flags the command has.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { runCli, serverFlags, startProxy, unavailable } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-failures-test-'));
const folder = join(dir, 'a-folder');
const missing = join(dir, 'no-such-folder', 'file.ndjson');
let server: TestServer;
let input: string;
let templateId: string;

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

before(async () => {
  server = await startTestServer();
  mkdirSync(folder);
  templateId = await createTemplate(server, {
    name: 'Signup',
    objectType: 'contacts',
    headerTemplate: 'Signed up',
    tokens: [{ name: 'plan', label: 'Plan', type: 'string' }],
  });
  input = join(dir, 'events.ndjson');
  writeFileSync(
    input,
    `${JSON.stringify({ eventTemplateId: templateId, id: 'never-sent', email: 'a@example.com', tokens: { plan: 'pro' } })}\n`,
  );
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function neverSent(): Promise<void> {
  const got = await server.request('GET', `/integrators/timeline/v3/events/${templateId}/never-sent`);
  assert.equal(got.status, 404, 'the event must not have been sent');
}

describe('paths a command cannot write', () => {
  for (const [flag, path, why] of [
    ['--rejects', folder, 'it is a folder'],
    ['--rejects', missing, 'its folder does not exist'],
    ['--checkpoint', folder, 'it is a folder'],
    ['--checkpoint', missing, 'its folder does not exist'],
  ] as const) {
    it(`events import ${flag} ${why === 'it is a folder' ? 'FOLDER' : 'MISSING/FILE'}: exit 2 before sending`, async () => {
      const result = await runCli(['events', 'import', input, ...serverFlags(server), flag, path]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`cannot write ${flag} '${path}': ${why}\\n  fix: `));
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
      await neverSent();
    });
  }

  it('leaves no file behind when a path is refused: no checkpoint .tmp, no rejects file', () => {
    assert.deepEqual(readdirSync(dir).sort(), ['a-folder', 'events.ndjson']);
  });

  for (const [path, why] of [
    [folder, 'it is a folder'],
    [missing, 'its folder does not exist'],
  ] as const) {
    it(`events export --output: ${why}, exit 2`, async () => {
      const result = await runCli(['events', 'export', ...serverFlags(server), '--output', path]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`cannot write --output '${path}': ${why}\\n  fix: `));
    });
  }
});

describe('a file that fails while it is written (/dev/full: every write is ENOSPC)', () => {
  it('events export --output: the failure is reported, not an exit 0 with nothing written', async () => {
    const created = await server.request('POST', '/integrators/timeline/v3/events/batch/create', {
      body: {
        inputs: Array.from({ length: 300 }, (_, i) => ({
          eventTemplateId: templateId,
          id: `export-${i}`,
          email: `e${i}@example.com`,
          tokens: { plan: 'x'.repeat(200) },
        })),
      },
    });
    assert.equal(created.status, 201, created.text);
    const result = await runCli(['events', 'export', ...serverFlags(server), '--output', '/dev/full']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /writing --output '\/dev\/full' failed: .*ENOSPC/);
    assert.doesNotMatch(result.stderr, /^exported /m);
  });

  it('events import --rejects: a reject that cannot be written fails the import', async () => {
    const rejected = join(dir, 'rejected.ndjson');
    writeFileSync(
      rejected,
      `${JSON.stringify({ eventTemplateId: templateId, email: 'r@example.com', tokens: { nope: 1 } })}\n`,
    );
    const result = await runCli([
      'events',
      'import',
      rejected,
      ...serverFlags(server),
      '--rejects',
      '/dev/full',
      '--checkpoint',
      join(dir, 'rejected.checkpoint.json'),
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /writing --rejects '\/dev\/full' failed: .*ENOSPC/);
  });
});

describe('seed: the server by --base-url (HUBSPOT_BASE_URL, or --url, its former name), and its admin token', () => {
  const fixture = join(dir, 'fixture.json');
  before(() =>
    writeFileSync(fixture, JSON.stringify({ records: [{ properties: { email: 'x@example.com' } }] })),
  );

  it('--base-url, HUBSPOT_BASE_URL and --url all name the server: each reaches it (a wrong token: 401)', async () => {
    for (const [args, env] of [
      [['--base-url', server.url], {}],
      [[], { HUBSPOT_BASE_URL: server.url }],
      [['--url', server.url], { HUBSPOT_BASE_URL: 'http://127.0.0.1:1' }],
    ] as const) {
      const result = await runCli(['seed', fixture, ...args, '--admin-token', 'wrong'], { env });
      assert.equal(result.code, 1, `${args} ${JSON.stringify(env)}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /refused the admin token \(401\)\n {2}fix: pass the token `serve` printed as 'admin token:'/,
      );
    }
  });

  it('--url and --base-url naming two servers: a usage error (exit 2)', async () => {
    const result = await runCli([
      'seed',
      fixture,
      '--url',
      server.url,
      '--base-url',
      'http://127.0.0.1:8080',
      '--admin-token',
      't',
    ]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /name two servers\n {2}fix: give --base-url only/);
  });

  it('refuses a --base-url (or --url) that is not a URL (exit 2)', async () => {
    for (const flag of ['--base-url', '--url']) {
      const result = await runCli(['seed', fixture, flag, 'notaurl', '--admin-token', 't']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`option '${flag} <url>' argument 'notaurl' is invalid. 'notaurl' is not a URL`),
      );
    }
  });

  it('--help shows --base-url with HUBSPOT_BASE_URL, not the former --url', async () => {
    const help = await runCli(['seed', '--help']);
    assert.match(help.stdout, /--base-url <url>[\s\S]*env:\s+HUBSPOT_BASE_URL/);
    assert.doesNotMatch(help.stdout, /--url/);
  });
});

describe('a --base-url where no server answers: exit 2 at once, naming --base-url and HUBSPOT_BASE_URL', () => {
  const fixture = join(dir, 'unreachable-fixture.json');
  before(() => writeFileSync(fixture, JSON.stringify({ records: [] })));

  const commands: [string, (url: string) => string[]][] = [
    [
      'templates pull',
      (url) => ['templates', 'pull', join(dir, 'never-pulled'), ...serverFlags(server, url)],
    ],
    [
      'events import',
      (url) => [
        'events',
        'import',
        input,
        ...serverFlags(server, url),
        '--rejects',
        join(dir, 'unreachable.rejects.ndjson'),
        '--checkpoint',
        join(dir, 'unreachable.checkpoint.json'),
      ],
    ],
    ['events export', (url) => ['events', 'export', ...serverFlags(server, url), '--output', '-']],
    ['seed', (url) => ['seed', fixture, '--base-url', url, '--admin-token', 't']],
  ];
  for (const [name, args] of commands) {
    it(`${name}: a refused connection (nothing listens on the port)`, async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const started = Date.now();
      const result = await runCli(args(url));
      const seconds = (Date.now() - started) / 1000;
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.ok(seconds < 5, `gave up after ${seconds} s: no retries for a server never reached`);
      assert.match(
        result.stderr,
        new RegExp(
          `cannot connect to ${url}: the connection was refused: nothing listens there \\(ECONNREFUSED\\)`,
        ),
      );
      assert.match(result.stderr, /fix: check --base-url \(or HUBSPOT_BASE_URL\)/);
      assert.doesNotMatch(result.stdout + result.stderr, /retrying/);
    });
  }

  it('a host name that does not exist (ENOTFOUND) is said at once too', async () => {
    const result = await runCli([
      'templates',
      'pull',
      join(dir, 'never'),
      ...serverFlags(server, 'http://no-such-host.invalid'),
    ]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /cannot connect to http:\/\/no-such-host\.invalid: the host name (is not known|could not be looked up)/,
    );
  });

  it('a server that answered once and then went away is retried, as a restart would need', async () => {
    let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
    proxy = await startProxy(server.url, ({ count }) => {
      // The first request (the template check) is answered; the second (the batch) finds its
      // connection cut, and from then on nothing listens there.
      if (count === 1) return { kind: 'forward' };
      void proxy?.close();
      return unavailable();
    });
    const result = await runCli([
      'events',
      'import',
      input,
      ...serverFlags(server, proxy.url),
      '--max-retries',
      '2',
      '--rejects',
      join(dir, 'went-away.rejects.ndjson'),
      '--checkpoint',
      join(dir, 'went-away.checkpoint.json'),
    ]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /retrying in \d+\.\ds: POST \S+: network error ECONNREFUSED/);
    assert.match(result.stderr, /gave up after 3 attempts/);
    await neverSent();
  });
});

describe('serve with a setting that cannot work: exit 2, what and how to fix, no stack trace', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    [
      '--seed naming a file that is not JSON',
      async () => {
        const file = join(dir, 'not-json.json');
        writeFileSync(file, 'garbage');
        return ['--seed', file];
      },
      /the seed fixture .*not-json\.json is not JSON/,
    ],
    [
      '--seed naming no file',
      async () => ['--seed', join(dir, 'none.json')],
      /cannot read the seed fixture .*none\.json: ENOENT/,
    ],
    [
      '--project naming no folder',
      async () => ['--project', join(dir, 'no-project')],
      /--project .*no-project is not a folder \(give the root of a HubSpot project/,
    ],
  ];
  for (const [name, flags, message] of cases) {
    it(name, async () => {
      const result = await runCli(['serve', '--db', ':memory:', '--port', '0', ...(await flags())]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
    });
  }

  it('--port taken by another process', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await runCli([
        'serve',
        '--db',
        ':memory:',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
      ]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`port ${port} is in use by another process \\(choose another --port`),
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  for (const [host, message] of [
    [
      'nosuchhost.invalid',
      /--host nosuchhost\.invalid is not a name this machine can resolve \(give an address/,
    ],
    ['192.0.2.1', /--host 192\.0\.2\.1 is not an address of this machine \(give 127\.0\.0\.1/],
  ] as const) {
    it(`--host ${host}: names --host and what to give instead (exit 2)`, async () => {
      const result = await runCli(['serve', '--db', ':memory:', '--port', '0', '--host', host]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }

  it('the seed command: a fixture that is not JSON is a usage error (exit 2)', async () => {
    const file = join(dir, 'not-json-either.json');
    writeFileSync(file, '{');
    const result = await runCli(['seed', file, '--url', server.url, '--admin-token', 't']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /is not JSON[^\n]*\n {2}fix: give the path of a JSON fixture/);
  });
});

describe('a --base-url with a path too many', () => {
  const wrong = () => `${server.url}/wrong-prefix`;

  it('events import: the template check says the path does not exist, instead of rejecting every event', async () => {
    const result = await runCli([
      'events',
      'import',
      input,
      ...serverFlags(server, wrong()),
      '--rejects',
      join(dir, 'prefix.rejects.ndjson'),
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /reading event template \d+ failed: 404 No route for GET \/wrong-prefix\/[^\n]*\n {2}fix: check --base-url/,
    );
    assert.doesNotMatch(result.stdout, /rejected [1-9]/);
    await neverSent();
  });

  it('templates pull: names --base-url, not the push advice', async () => {
    const result = await runCli(['templates', 'pull', join(dir, 'pulled'), ...serverFlags(server, wrong())]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /listing the templates of app \d+ failed: 404 No route[^\n]*\n {2}fix: check --base-url/,
    );
  });
});

describe('events import of a file whose extension it does not read', () => {
  it('a .yaml file is refused (exit 2) with the formats read and --format, before anything is sent', async () => {
    const yaml = join(dir, 'events.yaml');
    writeFileSync(yaml, `- eventTemplateId: "${templateId}"\n  id: never-sent\n  email: a@example.com\n`);
    const result = await runCli([
      'events',
      'import',
      yaml,
      ...serverFlags(server),
      '--rejects',
      join(dir, 'yaml.rejects'),
    ]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /'.*events\.yaml' has the extension \.yaml, which events import does not read: it reads NDJSON \(\.ndjson, \.jsonl\), a JSON array \(\.json\) and CSV \(\.csv\)\n {2}fix: .*--format ndjson, --format json or --format csv/,
    );
    assert.doesNotMatch(result.stdout, /^read /m);
    await neverSent();
  });

  it('--format names the format of a file with any extension; a name without one is read by its content', async () => {
    const text = join(dir, 'events.txt');
    const bare = join(dir, 'events-no-extension');
    const line = `${JSON.stringify({ eventTemplateId: templateId, id: 'by-format', email: 'f@example.com', tokens: { plan: 'pro' } })}\n`;
    writeFileSync(text, line);
    writeFileSync(bare, line);
    const forced = await runCli(['events', 'import', text, '--format', 'ndjson', ...serverFlags(server)]);
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.match(forced.stdout, /read 1, created 1/);
    const sniffed = await runCli(['events', 'import', bare, ...serverFlags(server)]);
    assert.equal(sniffed.code, 0, sniffed.stdout + sniffed.stderr);
    assert.match(sniffed.stdout, /read 1, created 0, already present 1/);
  });
});

describe('events export with a filter the target refuses', () => {
  it('names the filters to check', async () => {
    const result = await runCli(['events', 'export', ...serverFlags(server), '--object-type', 'bogus']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /answered 400 [^\n]*\n {2}fix: check the filters: --object-type/);
  });
});

describe('retries', () => {
  it('are shown as they happen; giving up names --max-retries once, and no --resume when nothing was done', async () => {
    const proxy = await startProxy(server.url, () => ({
      kind: 'answer',
      status: 503,
      body: { status: 'error', message: 'down for a moment', category: 'SERVICE_UNAVAILABLE' },
    }));
    try {
      const checkpoint = join(dir, 'retries.checkpoint.json');
      const result = await runCli([
        'events',
        'import',
        input,
        ...serverFlags(server, proxy.url),
        '--max-retries',
        '1',
        '--checkpoint',
        checkpoint,
        '--rejects',
        join(dir, 'retries.rejects.ndjson'),
      ]);
      assert.notEqual(result.code, 0, result.stderr);
      // Import's retries go with its progress lines (stdout); the failure to stderr.
      assert.match(result.stdout, /retrying in \d+\.\ds: (GET|POST) \S+: 503 down for a moment/);
      assert.match(result.stderr, /gave up after 2 attempts/);
      assert.equal(result.stderr.match(/--max-retries allows more attempts/g)?.length, 1, result.stderr);
      // Position 0: a plain re-run is the same as a resume, so it is not offered.
      assert.doesNotMatch(result.stderr, /--resume/);
    } finally {
      await proxy.close();
    }
  });
});
