/**
 * docs/testing.md cannot go stale: every fenced block marked `js node:test` is written to a file and
 * run with `node --test`, and the `sh` block runs in bash against the built CLI. The examples import
 * `hubspot-timeline-server` by name: the files are written inside this package, where Node resolves
 * the package's own name through its `exports` (self-reference), to the built `dist/src`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'testing.md'), 'utf8');
const WORK = join(ROOT, 'dist', 'doc-examples');

function blocks(info: string): string[] {
  const found: string[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const match of DOC.matchAll(fence)) if (match[1]?.trim() === info) found.push(match[2] as string);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The environment without the test runner's own marker, so the child runs as a runner of its own. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

mkdirSync(WORK, { recursive: true });
after(() => rmSync(WORK, { recursive: true, force: true }));

describe('docs/testing.md', () => {
  const examples = blocks('js node:test');
  it('has node:test examples', () => assert.ok(examples.length >= 4));
  examples.forEach((source, i) => {
    it(`node:test example ${i + 1} runs and passes`, async () => {
      const file = join(WORK, `example-${i + 1}.test.mjs`);
      writeFileSync(file, source);
      try {
        await run(process.execPath, ['--test', file], { cwd: ROOT, env: childEnv(), timeout: 60_000 });
      } catch (error) {
        const { stdout, stderr } = error as { stdout: string; stderr: string };
        assert.fail(`example ${i + 1} failed:\n${stdout}\n${stderr}`);
      }
    });
  });

  it('the shell example runs against the CLI', async () => {
    const [script] = blocks('sh').filter((block) => block.includes('_admin/v1/faults'));
    assert.ok(script, 'the CLI example is in the document');
    // `npx timeline-server` as an installed package gives it: here, the built CLI of this checkout.
    const bin = join(WORK, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\n[ "$1" = timeline-server ] && shift && exec "${process.execPath}" "${join(ROOT, 'dist', 'src', 'cli', 'main.js')}" "$@"\nexit 127\n`,
    );
    chmodSync(join(bin, 'npx'), 0o755);
    const file = join(WORK, 'example.sh');
    writeFileSync(file, `set -euo pipefail\n${script}`);
    const env = childEnv({ PATH: `${bin}:${process.env.PATH}`, PORT: String(await freePort()) });
    try {
      await run('bash', [file], { cwd: ROOT, env, timeout: 60_000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      assert.fail(`the shell example failed:\n${stdout}\n${stderr}`);
    }
  });
});
