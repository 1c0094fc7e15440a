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
import { runCli, serverFlags, startProxy } from './cli-runner.js';

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

describe('seed against a server that is not there, or with a wrong token', () => {
  const fixture = join(dir, 'fixture.json');
  before(() =>
    writeFileSync(fixture, JSON.stringify({ records: [{ properties: { email: 'x@example.com' } }] })),
  );

  it('names the unreachable server and what to check (exit 1)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCli(['seed', fixture, '--url', url, '--admin-token', 't']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`cannot reach ${url}: network error ECONNREFUSED\\n  fix: check that the server is running`),
    );
  });

  it('refuses a --url that is not a URL (exit 2)', async () => {
    const result = await runCli(['seed', fixture, '--url', 'notaurl', '--admin-token', 't']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--url 'notaurl' is not a URL/);
  });

  it('says the admin token was refused, and where the right one is (exit 1, as for the other refused credentials)', async () => {
    const result = await runCli(['seed', fixture, '--url', server.url, '--admin-token', 'wrong']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /refused the admin token \(401\)\n {2}fix: pass the token `serve` printed as 'admin token:'/,
    );
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
