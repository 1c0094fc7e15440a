/** The command line's help, defaults, environment variables and exit codes (2 for usage errors). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-usage-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = [
  ['events', 'import'],
  ['events', 'export'],
  ['templates', 'pull'],
  ['templates', 'push'],
];

describe('timeline-server command line', () => {
  for (const command of COMMANDS) {
    it(`${command.join(' ')} --help shows defaults and environment variables`, async () => {
      const help = await runCli([...command, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`Usage: timeline-server ${command.join(' ')}`));
      // Commander wraps long lines: compare with runs of whitespace as one space.
      const text = help.stdout.replace(/\s+/g, ' ');
      for (const env of [
        'HUBSPOT_BASE_URL',
        'HUBSPOT_ACCESS_TOKEN',
        'HUBSPOT_DEVELOPER_API_KEY',
        'HUBSPOT_APP_ID',
      ]) {
        assert.match(text, new RegExp(`env: ${env}`), env);
      }
      assert.match(text, /default: "http:\/\/127\.0\.0\.1:8080"/);
    });
  }

  it('events import --help shows the defaults of its own flags', async () => {
    const { stdout } = await runCli(['events', 'import', '--help']);
    for (const expected of [
      /--batch-size <n>[\s\S]*?default: 100/,
      /--concurrency <n>[\s\S]*?default: 4/,
      /--max-retries <n>[\s\S]*?default: 8/,
      /<file>\.rejects\.ndjson/,
      /<file>\.checkpoint\.json/,
    ]) {
      assert.match(stdout, expected);
    }
  });

  it('exits 2 on usage errors, with what, why and how to fix', async () => {
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, '{}\n');
    const cases: { args: string[]; env?: Record<string, string>; message: RegExp }[] = [
      { args: ['events', 'import', file, '--no-such-flag'], message: /unknown option '--no-such-flag'/ },
      {
        args: ['--port', '3000'],
        message:
          /unknown option '--port'[\s\S]*\(settings of the server follow its command: timeline-server serve --port 3000\)/,
      },
      {
        args: ['serve', '3000'],
        message: /\(a port is given as a flag: timeline-server serve --port 3000\)/,
      },
      {
        args: ['events', 'import', file, '--access-token', 't', '--batch-size', '501'],
        message: /from 1 to 500/,
      },
      {
        args: ['events', 'import', file],
        message: /needs an access token[\s\S]*fix: pass --access-token or set HUBSPOT_ACCESS_TOKEN/,
      },
      {
        args: ['events', 'import', join(dir, 'missing.ndjson'), '--access-token', 't'],
        message: /no such file[\s\S]*fix:/,
      },
      {
        args: ['events', 'import', file, '--access-token', 't', '--format', 'csv', '--map', 'a=nope'],
        message: /'nope' is not an event field[\s\S]*fix: map to one of/,
      },
      {
        args: ['events', 'import', file, '--base-url', 'ftp://x', '--access-token', 't'],
        message: /must start with http/,
      },
      { args: ['events', 'import'], message: /missing required argument 'file'/ },
      {
        args: ['templates', 'pull', dir],
        message: /missing: --app-id \(or HUBSPOT_APP_ID\), --developer-api-key/,
      },
      {
        args: ['templates', 'push', dir],
        env: { HUBSPOT_APP_ID: '12' },
        message: /missing: --developer-api-key/,
      },
      {
        args: ['events', 'export', '--access-token', 't', '--object-id', '1'],
        message: /needs exactly one --object-type/,
      },
    ];
    for (const { args, env, message } of cases) {
      const run = await runCli(args, env ? { env } : {});
      assert.equal(run.code, 2, `${args.join(' ')}\n${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
    }
  });

  it('takes credentials from the environment', async () => {
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, '{}\n');
    // Nothing listens on port 9: the command gets past the flag checks and fails on the network.
    const run = await runCli(
      ['events', 'import', file, '--max-retries', '0', '--rejects', join(dir, 'r.ndjson')],
      {
        env: { HUBSPOT_ACCESS_TOKEN: 'from-env', HUBSPOT_BASE_URL: 'http://127.0.0.1:9' },
      },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /needs an access token/);
  });
});
