// Runs the compiled test files with node's own test runner, then, when TIMELINE_TEST_PG_URL names a
// PostgreSQL database, the HTTP suites again on PostgreSQL (in a fresh schema, dropped afterwards).
// Node 20's `--test` takes no globs, so the file lists are gathered here. TZ=UTC keeps date output
// the same on every machine. Suites this machine cannot run (no PostgreSQL URL, no Chromium, no curl)
// are skipped outside CI: which, why and how to run them is said before the run and in the summary.
// Usage: node scripts/run-tests.mjs [substring-of-test-path] (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// The suites decide what they skip with this same module, so the summary says what they did.
const environment = join('dist', 'test', 'helpers', 'environment.js');
if (!existsSync(environment)) {
  console.error(`${environment} is missing: run \`npm run build\` first (npm test does)`);
  process.exit(1);
}
const { skippedSuites } = await import(`../${environment}`);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

const reports = mkdtempSync(join(tmpdir(), 'timeline-tests-'));
const totals = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };

/** One `node --test` run; spec output on the terminal, TAP in a file for the totals. */
function run(label, files, env) {
  if (files.length === 0) return;
  console.log(`\n=== ${label}: ${files.length} test files ===`);
  const tap = join(reports, `${label.replace(/\W+/g, '-')}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, TZ: 'UTC', ...env } },
  );
  const text = readFileSync(tap, 'utf8');
  for (const key of Object.keys(totals)) {
    if (key === 'skipped') continue;
    const match = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text);
    if (match) totals[key] += Number(match[1]);
  }
  // node counts skipped tests only; a skipped suite (a `describe` with `skip`) counts here too.
  totals.skipped += text.match(/^\s*ok \d+ - .*# SKIP\b/gm)?.length ?? 0;
  if (result.status !== 0 && !/^# fail [1-9]/m.test(text)) totals.fail += 1; // a crash outside any test
}

/** One line per group of suites skipped on this machine, or nothing. */
function sayWhatIsSkipped(skipped) {
  if (skipped.length === 0) return;
  console.log('\nSkipped on this machine (the run passes without them):');
  for (const { suites, reason } of skipped) console.log(`  - ${suites}: ${reason}`);
}

const filter = process.argv[2];
// A test file deleted or renamed leaves its compiled copy in dist/ (tsc removes nothing): only the
// compiled tests whose TypeScript source is still there run.
const compiled = findTests(join('dist', 'test')).filter((f) => !filter || f.includes(filter));
const stale = compiled.filter((f) => !existsSync(f.replace(/^dist[\\/]/, '').replace(/\.js$/, '.ts')));
if (stale.length > 0) console.log(`\nNot run, their source is gone: ${stale.join(', ')}`);
const all = compiled.filter((f) => !stale.includes(f));
const skipped = skippedSuites().filter((group) => group.concerns(all));
sayWhatIsSkipped(skipped);
run('all suites (HTTP on SQLite)', all, {});

const pgUrl = process.env.TIMELINE_TEST_PG_URL;
const httpSuites = all.filter((f) => f.includes(`${join('dist', 'test', 'http')}`));
if (pgUrl && httpSuites.length > 0) {
  const schema = `http_suite_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const url = new URL(pgUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    run('HTTP suites on PostgreSQL', httpSuites, { TIMELINE_TEST_DB: url.toString() });
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

sayWhatIsSkipped(skipped);
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail > 0 || totals.cancelled > 0 ? 1 : 0);
