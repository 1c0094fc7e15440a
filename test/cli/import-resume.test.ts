/**
 * `events import` killed (SIGKILL) and resumed: the stored data was always right; these cases pin
 * the reports. The rejects file must hold each rejected line exactly once, and the resumed run's
 * summary and exit code must cover the whole import, whatever the moment of the kill: between a
 * reject written and the checkpoint that covers it, after every reject of the file, or at random.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { collect, type ProxyAction, runCli, serverFlags, startCli, startProxy } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'import-resume-test-'));
let server: TestServer;
let templateId: string;

before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server, {
    name: 'Signup',
    objectType: 'contacts',
    headerTemplate: 'Signed up for {{plan}}',
    tokens: [
      {
        name: 'plan',
        label: 'Plan',
        type: 'enumeration',
        options: [
          { label: 'Pro', value: 'pro' },
          { label: 'Free', value: 'free' },
        ],
      },
    ],
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes `total` events; the lines `isInvalid` picks are rejected, alternately by the local check
 * (an option the template does not have) and by the server only (a record that does not exist).
 */
function writeInput(name: string, total: number, isInvalid: (line: number) => boolean): number[] {
  const lines: string[] = [];
  const invalid: number[] = [];
  const who = name.replace(/[^a-z0-9]+/gi, '-');
  for (let line = 1; line <= total; line += 1) {
    if (isInvalid(line)) {
      invalid.push(line);
      lines.push(
        JSON.stringify(
          invalid.length % 2
            ? { eventTemplateId: templateId, email: `${who}-${line}@example.com`, tokens: { plan: 'gold' } }
            : { eventTemplateId: templateId, objectId: '987654321', tokens: { plan: 'pro' } },
        ),
      );
    } else {
      lines.push(
        JSON.stringify({
          eventTemplateId: templateId,
          email: `${who}-${line}@example.com`,
          tokens: { plan: 'pro' },
        }),
      );
    }
  }
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return invalid;
}

function readJson(path: string): { position: number } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { position: number };
  } catch {
    return undefined;
  }
}

function rejectedLines(path: string): number[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      try {
        return (JSON.parse(l) as { line: number }).line;
      } catch {
        return -1; // a line cut by the kill
      }
    });
}

function summaryNumbers(stdout: string): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.startsWith('read '));
  assert.ok(line, `no summary line in:\n${stdout}`);
  const numbers: Record<string, number> = {};
  for (const [, name, value] of line.matchAll(/(read|created|already present|rejected) (\d+)/g)) {
    numbers[name as string] = Number(value);
  }
  return numbers;
}

/**
 * Runs the import through a proxy that slows each batch, and SIGKILLs it when `killNow` says so
 * (asked before each batch is passed on). Resolves once the process is gone.
 */
async function importKilled(
  name: string,
  killNow: (batches: number) => boolean,
  extraFlags: string[] = [],
): Promise<void> {
  const file = join(dir, name);
  let batches = 0;
  let kill: () => void = () => {};
  const proxy = await startProxy(server.url, ({ path }): ProxyAction => {
    if (!path.endsWith('/events/batch/create')) return { kind: 'forward' };
    batches += 1;
    if (killNow(batches)) kill();
    return { kind: 'forward', delayMs: 40 };
  });
  const child = startCli([
    'events',
    'import',
    file,
    ...serverFlags(server, proxy.url),
    '--batch-size',
    '5',
    ...extraFlags,
  ]);
  kill = () => child.kill('SIGKILL');
  const run = await collect(child);
  await proxy.close();
  assert.equal(run.code, null, `killed by the signal, not finished:\n${run.stdout}${run.stderr}`);
}

function resume(name: string) {
  return runCli([
    'events',
    'import',
    join(dir, name),
    ...serverFlags(server),
    '--batch-size',
    '5',
    '--resume',
  ]);
}

describe('events import killed and resumed: the reports', () => {
  it('a kill between a reject written and the checkpoint that covers it: each reject once, the summary whole', async () => {
    const name = 'between.ndjson';
    const invalid = writeInput(name, 400, (line) => line % 7 === 0);
    const file = join(dir, name);
    // Kill at the moment the rejects file holds a line past the checkpoint's position.
    await importKilled(name, () => {
      const position = readJson(`${file}.checkpoint.json`)?.position;
      return (
        position !== undefined && rejectedLines(`${file}.rejects.ndjson`).some((line) => line > position)
      );
    });
    const resumed = await resume(name);
    assert.equal(resumed.code, 1, `rejected events mean exit 1\n${resumed.stdout}${resumed.stderr}`);
    assert.deepEqual(
      rejectedLines(`${file}.rejects.ndjson`),
      invalid,
      'each rejected line once, in input order',
    );
    const counts = summaryNumbers(resumed.stdout);
    assert.equal(counts.read, 400, resumed.stdout);
    assert.equal(counts.rejected, invalid.length, resumed.stdout);
    assert.equal(
      (counts.created ?? 0) + (counts['already present'] ?? 0),
      400 - invalid.length,
      resumed.stdout,
    );
  });

  it('every reject before the kill: the resumed run still reports them and exits 1', async () => {
    const name = 'early.ndjson';
    const invalid = writeInput(name, 300, (line) => line <= 12 && line % 3 === 0);
    const file = join(dir, name);
    // One batch at a time (40 ms each): the checkpoint, written every second, is well past the
    // rejects before the last batch.
    await importKilled(name, () => (readJson(`${file}.checkpoint.json`)?.position ?? 0) >= 40, [
      '--concurrency',
      '1',
    ]);
    const resumed = await resume(name);
    assert.equal(resumed.code, 1, `rejected events mean exit 1\n${resumed.stdout}${resumed.stderr}`);
    const counts = summaryNumbers(resumed.stdout);
    assert.equal(counts.rejected, invalid.length, resumed.stdout);
    assert.equal(counts.read, 300, resumed.stdout);
    assert.match(resumed.stdout, new RegExp(`rejected events are in ${file}\\.rejects\\.ndjson`));
    assert.deepEqual(rejectedLines(`${file}.rejects.ndjson`), invalid);
  });

  it('killed at four random moments and resumed each time: each reject once, every event stored', async () => {
    const name = 'random.ndjson';
    const invalid = writeInput(name, 300, (line) => line % 5 === 0 || line % 11 === 0);
    const file = join(dir, name);
    const moments: number[] = [];
    let first = true;
    for (let round = 0; round < 4; round += 1) {
      const at = 2 + Math.floor(Math.random() * 10);
      moments.push(at);
      if (first) await importKilled(name, (batches) => batches === at);
      else {
        // A resumed run killed too.
        let batches = 0;
        let kill: () => void = () => {};
        const proxy = await startProxy(server.url, ({ path }): ProxyAction => {
          if (!path.endsWith('/events/batch/create')) return { kind: 'forward' };
          batches += 1;
          if (batches === at) kill();
          return { kind: 'forward', delayMs: 40 };
        });
        const child = startCli([
          'events',
          'import',
          file,
          ...serverFlags(server, proxy.url),
          '--batch-size',
          '5',
          '--resume',
        ]);
        kill = () => child.kill('SIGKILL');
        await collect(child);
        await proxy.close();
      }
      first = false;
    }
    const resumed = await resume(name);
    assert.equal(resumed.code, 1, `kill moments ${moments}\n${resumed.stdout}${resumed.stderr}`);
    assert.deepEqual(rejectedLines(`${file}.rejects.ndjson`), invalid, `kill moments ${moments}`);
    const counts = summaryNumbers(resumed.stdout);
    assert.equal(counts.rejected, invalid.length, `kill moments ${moments}: ${resumed.stdout}`);
    assert.equal(counts.read, 300, `kill moments ${moments}: ${resumed.stdout}`);
    // Every valid event is stored: a full re-run finds them all there.
    const full = await runCli(['events', 'import', file, ...serverFlags(server)]);
    const again = summaryNumbers(full.stdout);
    assert.deepEqual(
      [again.created, again['already present'], again.rejected],
      [0, 300 - invalid.length, invalid.length],
    );
  });

  it('Ctrl-C prints the exact command that goes on, and that command, pasted into a shell, finishes the import', async () => {
    const name = 'interrupted events.ndjson';
    const invalid = writeInput(name, 200, (line) => line % 9 === 0);
    const file = join(dir, name);
    let batches = 0;
    let interrupt: () => void = () => {};
    const proxy = await startProxy(server.url, ({ path }): ProxyAction => {
      if (!path.endsWith('/events/batch/create')) return { kind: 'forward' };
      batches += 1;
      if (batches === 6) interrupt();
      return { kind: 'forward', delayMs: 40 };
    });
    // Credentials from the environment; a flag value with a space and a quote, to be quoted right.
    const env = {
      HUBSPOT_ACCESS_TOKEN: server.accessToken,
      HUBSPOT_DEVELOPER_API_KEY: server.apiKey,
      HUBSPOT_APP_ID: String(server.appId),
    };
    try {
      const child = startCli(
        [
          'events',
          'import',
          file,
          '--base-url',
          proxy.url,
          '--batch-size',
          '5',
          '--id-source',
          "Ada's import",
        ],
        env,
      );
      interrupt = () => child.kill('SIGINT');
      const run = await collect(child);
      assert.equal(run.code, 130, run.stdout + run.stderr);
      const printed = /stopped after position (\d+), saved in .*; to go on from there, run:\n {2}(.+)\n/.exec(
        run.stdout,
      );
      assert.ok(printed?.[2], `no command in:\n${run.stdout}`);
      assert.match(
        printed[2],
        /^node \S*main\.js events import '.*interrupted events\.ndjson' --base-url .* --id-source 'Ada'\\''s import' --resume$/,
      );
      const resumed = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const shell = spawn('sh', ['-c', printed[2] as string], { env: { ...process.env, ...env } });
        let stdout = '';
        shell.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        shell.once('close', (code) => resolve({ code, stdout }));
      });
      assert.equal(resumed.code, 1, resumed.stdout);
      assert.match(resumed.stdout, new RegExp(`resuming after position ${printed[1]}`));
      const counts = summaryNumbers(resumed.stdout);
      assert.equal(counts.read, 200, resumed.stdout);
      assert.equal(counts.rejected, invalid.length, resumed.stdout);
      assert.deepEqual(rejectedLines(`${file}.rejects.ndjson`), invalid);
    } finally {
      await proxy.close();
    }
  });

  it('the printed command leaves out credentials given as flags when the output is not a terminal', async () => {
    const name = 'masked.ndjson';
    writeInput(name, 200, () => false);
    const file = join(dir, name);
    let batches = 0;
    let interrupt: () => void = () => {};
    const proxy = await startProxy(server.url, ({ path }): ProxyAction => {
      if (!path.endsWith('/events/batch/create')) return { kind: 'forward' };
      batches += 1;
      if (batches === 4) interrupt();
      return { kind: 'forward', delayMs: 40 };
    });
    try {
      const child = startCli([
        'events',
        'import',
        file,
        ...serverFlags(server, proxy.url),
        '--batch-size',
        '5',
      ]);
      interrupt = () => child.kill('SIGINT');
      const run = await collect(child);
      assert.equal(run.code, 130, run.stdout + run.stderr);
      assert.match(run.stdout, /put back the value of --access-token and --developer-api-key, left out here/);
      assert.match(
        run.stdout,
        /--access-token '<your access token>'.*--developer-api-key '<your developer api key>'.* --resume\n/,
      );
      assert.ok(!run.stdout.includes(server.accessToken) && !run.stdout.includes(server.apiKey), run.stdout);
    } finally {
      await proxy.close();
    }
  });

  it('a rejects file changed since the kill, or another --rejects, is refused (exit 2) rather than losing rejects', async () => {
    const name = 'changed.ndjson';
    writeInput(name, 300, (line) => line % 4 === 0);
    const file = join(dir, name);
    await importKilled(name, () => (readJson(`${file}.checkpoint.json`)?.position ?? 0) >= 40, [
      '--concurrency',
      '1',
    ]);
    const rejects = `${file}.rejects.ndjson`;
    const other = await runCli([
      'events',
      'import',
      file,
      ...serverFlags(server),
      '--resume',
      '--rejects',
      join(dir, 'other.rejects.ndjson'),
    ]);
    assert.equal(other.code, 2, other.stderr);
    assert.match(
      other.stderr,
      /was written with the rejects file '.*changed\.ndjson\.rejects\.ndjson'[^\n]*\n {2}fix: pass --rejects '/,
    );
    writeFileSync(rejects, '');
    const emptied = await resume(name);
    assert.equal(emptied.code, 2, emptied.stderr);
    assert.match(
      emptied.stderr,
      /the rejects file '.*' holds 0 bytes, but the interrupted run had written \d+/,
    );
    assert.match(
      emptied.stderr,
      /fix: put the file back as it was, or run the import again without --resume/,
    );
  });
});
