/**
 * The rule of what a machine skips (test/helpers/environment.ts), on made-up environments: outside
 * CI a missing tool skips its suites with a reason that says how to get it; with CI set, nothing is
 * skipped for lack of a tool.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { browserSkip, curlSkip, inCi, postgresSkip, skippedSuites } from '../helpers/environment.js';

const BARE = { PATH: '/nonexistent/bin', CHROMIUM_PATH: '/nonexistent/chromium' };

describe('what a machine without PostgreSQL, Chromium or curl skips', () => {
  it('reads CI as CI services set it', () => {
    assert.equal(inCi({ CI: 'true' }), true);
    assert.equal(inCi({ CI: '1' }), true);
    assert.equal(inCi({ CI: 'false' }), false);
    assert.equal(inCi({ CI: '' }), false);
    assert.equal(inCi({}), false);
  });

  it('outside CI, skips each suite with how to run it', () => {
    assert.match(String(browserSkip(BARE)), /^no Chromium at \/nonexistent\/chromium: .*CHROMIUM_PATH/);
    assert.match(String(curlSkip(BARE)), /^curl is not installed: install it/);
    assert.match(
      String(postgresSkip(BARE)),
      /^TIMELINE_TEST_PG_URL is not set: to run them, TIMELINE_TEST_PG_URL=/,
    );
    const groups = skippedSuites(BARE);
    assert.deepEqual(
      groups.map((group) => group.suites.split(' (')[0]),
      ['PostgreSQL suites', 'browser suite', "docs' shell examples"],
    );
    const docs = groups[2];
    assert.equal(docs?.concerns(['dist/test/docs/code-blocks.test.js']), true);
    assert.equal(docs?.concerns(['dist/test/http/health.test.js']), false);
  });

  it('with CI set, skips nothing for lack of a tool; TIMELINE_SKIP_BROWSER_TESTS=1 still skips the browser', () => {
    const ci = { ...BARE, CI: 'true', TIMELINE_TEST_PG_URL: 'postgres://db/test' };
    assert.deepEqual(skippedSuites(ci), []);
    assert.equal(browserSkip({ ...ci, TIMELINE_SKIP_BROWSER_TESTS: '1' }), 'TIMELINE_SKIP_BROWSER_TESTS=1');
  });

  it('runs what is there: a browser at CHROMIUM_PATH, an executable curl on the PATH', () => {
    assert.equal(browserSkip({ CHROMIUM_PATH: process.execPath }), false, 'an existing file counts');
    const bin = mkdtempSync(join(tmpdir(), 'timeline-path-'));
    try {
      writeFileSync(join(bin, 'curl'), '#!/bin/sh\n', { mode: 0o644 });
      assert.notEqual(curlSkip({ PATH: `/nonexistent:${bin}` }), false, 'not executable: not curl');
      chmodSync(join(bin, 'curl'), 0o755);
      assert.equal(curlSkip({ PATH: `/nonexistent:${bin}` }), false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
