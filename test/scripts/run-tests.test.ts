/**
 * `npm test`'s runner on a machine without a browser or PostgreSQL: outside CI it skips those suites
 * and says so, with how to run them, before the run and in its summary, and passes; with CI=true a
 * missing browser fails the run. A compiled test whose source is gone is not run. The runner runs for
 * real, on one suite each time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NOWHERE = '/nonexistent/chromium';

/** The runner on `filter`, with `env` over this environment less the test runner's own marker. */
function runner(filter: string, env: Record<string, string | undefined>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.NODE_TEST_CONTEXT;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'run-tests.mjs'), filter], {
    cwd: ROOT,
    env: childEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('scripts/run-tests.mjs on a machine that lacks a browser or PostgreSQL', () => {
  it('outside CI, skips the browser suite, says how to enable it before and after, and passes', () => {
    const { status, output } = runner('test/browser/ui.test', {
      CHROMIUM_PATH: NOWHERE,
      CI: undefined,
      TIMELINE_SKIP_BROWSER_TESTS: undefined,
    });
    assert.equal(status, 0, output);
    const line = `browser suite (test/browser): no Chromium at ${NOWHERE}: install Debian's chromium package (apt-get install chromium), or point CHROMIUM_PATH at a Chromium or Chrome binary`;
    assert.equal(count(output, line), 2, `said at the start and in the summary:\n${output}`);
    assert.match(output, /\ntests: 0 passed, 0 failed, [1-9]\d* skipped\n*$/);
  });

  it('with CI=true, a missing browser fails the run, naming the path and how to get one', () => {
    const { status, output } = runner('test/browser/ui.test', {
      CHROMIUM_PATH: NOWHERE,
      CI: 'true',
      TIMELINE_SKIP_BROWSER_TESTS: undefined,
    });
    assert.equal(status, 1, output);
    assert.match(output, new RegExp(`no Chromium at ${NOWHERE}: install Debian's chromium package`));
    assert.doesNotMatch(output, /Skipped on this machine/);
    assert.match(output, /\ntests: 0 passed, [1-9]\d* failed/);
  });

  it('without TIMELINE_TEST_PG_URL, says the PostgreSQL suites were skipped and how to run them', () => {
    const { status, output } = runner('test/http/health', { TIMELINE_TEST_PG_URL: undefined });
    assert.equal(status, 0, output);
    const line =
      'PostgreSQL suites (HTTP and store suites on PostgreSQL, test/postgres, PostgreSQL crash and outage tests): TIMELINE_TEST_PG_URL is not set: to run them, TIMELINE_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm test';
    assert.equal(count(output, line), 2, output);
    assert.doesNotMatch(output, /browser suite/, 'the browser suite was not selected, so not mentioned');
    assert.match(output, /PostgreSQL suites[^\n]*\n\ntests: [1-9]\d* passed, 0 failed, 0 skipped\n*$/);
  });

  it('does not run a compiled test whose TypeScript source is gone (a deleted or renamed test)', () => {
    const stale = join(ROOT, 'dist', 'test', 'scripts', 'zz-deleted-probe.test.js');
    writeFileSync(
      stale,
      "import { test } from 'node:test';\ntest('stale', () => { throw new Error('ran'); });\n",
    );
    try {
      const { status, output } = runner('zz-deleted-probe', {});
      assert.equal(status, 0, output);
      assert.match(output, /Not run, their source is gone: dist\/test\/scripts\/zz-deleted-probe\.test\.js/);
      assert.match(output, /\ntests: 0 passed, 0 failed, 0 skipped\n*$/);
    } finally {
      rmSync(stale, { force: true });
    }
  });
});
