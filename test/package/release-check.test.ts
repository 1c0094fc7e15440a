/**
 * `npm run release:check` when a step fails: exit code 1, the step named, what the failing command
 * printed, and its temporary folder removed. (Its passing run is a step of .ci/run: a real install,
 * minutes long, so not repeated here.) The failure is a registry that refuses connections, which
 * fails the install right after the pack.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './packed-install.js';

describe('npm run release:check', () => {
  it('fails with exit code 1, naming the step and what npm printed, and leaves no folder behind', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_fetch_retries: '0',
      npm_config_prefer_offline: 'false',
    };
    delete env.NODE_TEST_CONTEXT;
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release-check.mjs')], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.status, 1, output);
    assert.match(
      result.stderr,
      /^release check FAILED at install: `npm install --no-audit --no-fund \S+\.tgz` failed/m,
    );
    assert.match(result.stderr, /ECONNREFUSED/, 'what npm printed is shown');
    const folder = /in an empty folder, (\S+) \(/.exec(result.stdout)?.[1];
    assert.ok(folder, output);
    assert.equal(existsSync(folder), false, 'the temporary folder is removed');
  });
});
