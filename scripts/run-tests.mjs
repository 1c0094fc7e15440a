// Runs the compiled test files with node's own test runner. Node 20's `--test` takes no globs, so
// the file list is gathered here. TZ=UTC keeps date output the same on every machine.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filter = process.argv[2];
const files = findTests('dist/test')
  .filter((f) => !filter || f.includes(filter))
  .sort();
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=1', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC' },
  },
);
process.exit(result.status ?? 1);
