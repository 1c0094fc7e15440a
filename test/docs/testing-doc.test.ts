/**
 * docs/testing.md cannot go stale: every fenced block marked `js node:test` is written to a file and
 * run with `node --test`, the `js vitest` and `js jest` blocks are split into their files (each
 * starts at a `// <file name>` line) in an empty project and run with vitest and jest, and the `sh`
 * block runs in bash and the `python` block in python3 (skipped, saying so, where there is none)
 * against the built CLI. The node:test examples import `hubspot-timeline-server`
 * by name: they are written inside this package, where Node resolves the package's own name through
 * its `exports` (self-reference), to the built `dist/src`; the projects get it as a link in their
 * `node_modules`, as an install would.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
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

/** The files of a block: each starts at a `// <file name>` line (the rest of that line is a comment). */
function filesOf(block: string): Map<string, string> {
  const lines = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of block.split('\n')) {
    const name = /^\/\/ ([\w.-]+\.[cm]?js)\b/.exec(line)?.[1];
    if (name) {
      current = [];
      lines.set(name, current);
    }
    current?.push(line);
  }
  return new Map([...lines].map(([name, text]) => [name, text.join('\n')]));
}

/**
 * Writes a block's files into an empty project in the system's temporary folder, with the runner and
 * this package linked into its `node_modules`, and runs `runner` there; fails with its output.
 */
async function runProject(block: string, runner: 'vitest' | 'jest', packageJson: object, args: string[]) {
  const project = mkdtempSync(join(tmpdir(), `timeline-doc-${runner}-`));
  try {
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(ROOT, join(project, 'node_modules', 'hubspot-timeline-server'), 'dir');
    symlinkSync(join(ROOT, 'node_modules', runner), join(project, 'node_modules', runner), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ private: true, ...packageJson }));
    const files = filesOf(block);
    for (const [name, source] of files) writeFileSync(join(project, name), `${source.trim()}\n`);
    const bin = join(ROOT, 'node_modules', runner, runner === 'jest' ? 'bin/jest.js' : 'vitest.mjs');
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
        cwd: project,
        env: childEnv({ CI: 'true', NO_COLOR: '1' }),
        timeout: 120_000,
      });
      return { files, output: `${stdout}\n${stderr}` };
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      assert.fail(`the ${runner} example failed:\n${stdout}\n${stderr}`);
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
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

  it('the vitest example runs and passes with vitest', async () => {
    const [block] = blocks('js vitest');
    assert.ok(block, 'the vitest example is in the document');
    const { files, output } = await runProject(block, 'vitest', { type: 'module' }, ['run']);
    assert.deepEqual([...files.keys()], ['vitest.config.js', 'signup.test.js', 'second.test.js']);
    assert.match(output, /Tests\s+2 passed/);
  });

  it('the jest example runs and passes with jest', async () => {
    const [block] = blocks('js jest');
    assert.ok(block, 'the jest example is in the document');
    const { files, output } = await runProject(block, 'jest', {}, ['--ci']);
    assert.deepEqual([...files.keys()], ['jest.config.js', 'retry.test.js', 'fresh.test.js']);
    assert.match(output, /Tests:\s+2 passed, 2 total/);
  });

  /** A folder whose `npx timeline-server` runs the built CLI of this checkout, as an installed package's would. */
  function npxShim(): string {
    const bin = join(WORK, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\n[ "$1" = timeline-server ] && shift && exec "${process.execPath}" "${join(ROOT, 'dist', 'src', 'cli', 'main.js')}" "$@"\nexit 127\n`,
    );
    chmodSync(join(bin, 'npx'), 0o755);
    return bin;
  }

  it('the shell example runs against the CLI', async () => {
    const [script] = blocks('sh').filter((block) => block.includes('_admin/v1/faults'));
    assert.ok(script, 'the CLI example is in the document');
    const bin = npxShim();
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
  const python = spawnSync('python3', ['--version']).status === 0;
  it('the Python example runs against the CLI', {
    skip: python ? false : 'python3 is not installed',
  }, async () => {
    const [script] = blocks('python');
    assert.ok(script, 'the Python example is in the document');
    const file = join(WORK, 'example.py');
    writeFileSync(file, script);
    const env = childEnv({ PATH: `${npxShim()}:${process.env.PATH}` });
    try {
      await run('python3', [file], { cwd: ROOT, env, timeout: 60_000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      assert.fail(`the Python example failed:\n${stdout}\n${stderr}`);
    }
  });
});
