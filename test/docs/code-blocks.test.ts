/**
 * Every code block of README.md and docs/*.md runs as written, or says why it cannot (the convention
 * is in doc-blocks.ts), so a pasted example cannot silently rot.
 *
 * README.md is read from a clone: its blocks run in a folder laid out as one (this checkout's built
 * `dist/` and `node_modules/`), where `npm start -- <flags>` is the built CLI's `serve <flags>` (what
 * the `start` script runs after its build), and afterwards every file they wrote must be one git
 * ignores. The documents of docs/ are read by a user of the package: their blocks run in one project
 * where the packed tarball is installed once (test/package/packed-install.ts; the real install, scripts
 * on, is npm run release:check's), with the official client, vitest and jest beside it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { curlSkip, pythonSkip } from '../helpers/environment.js';
import { type PackedInstall, packAndInstall, ROOT } from '../package/packed-install.js';
import { type DocBlock, docBlocks, documents } from './doc-blocks.js';
import { DocSession } from './doc-session.js';

const START_SCRIPT = 'npm run --silent build && node dist/src/cli/main.js serve';
/** What the blocks of a package user's documents import, beside the installed package. */
const BESIDE_THE_PACKAGE = ['@hubspot/api-client', 'vitest', 'jest'];
/** What a clone has that README's blocks use. */
const CLONE_LAYOUT = ['dist', 'node_modules', 'examples', 'package.json'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The environment without the test runner's own marker, so a child runs as a runner of its own. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function link(target: string, path: string) {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/** Every file under `dir`, relative to it, not following links. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return CLONE_LAYOUT.includes(join(prefix, name)) ? [] : [join(prefix, name)];
    return stat.isDirectory() ? filesUnder(path, join(prefix, name)) : [join(prefix, name)];
  });
}

/** The paths git would see in this repository (not ignored by its .gitignore). */
function seenByGit(paths: string[]): string[] {
  if (paths.length === 0) return [];
  const result = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], {
    cwd: ROOT,
    input: paths.join('\n'),
    encoding: 'utf8',
  });
  const ignored = new Set(result.stdout.split('\n').filter(Boolean));
  return paths.filter((path) => !ignored.has(path));
}

const runnable = (block: DocBlock) => block.run.kind !== 'no-run' && block.run.kind !== 'invalid';

let scratch: string;
let install: PackedInstall | undefined;

describe('code blocks of README.md and docs/*.md', { timeout: 900_000 }, () => {
  before(() => {
    install = packAndInstall({ prefix: 'timeline-docs-', timeout: 240_000 });
    scratch = install.scratch;
    for (const name of BESIDE_THE_PACKAGE)
      link(join(ROOT, 'node_modules', name), join(install.app, 'node_modules', name));
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('every block says how it runs or why it does not', () => {
    const problems = documents(ROOT)
      .flatMap((doc) => docBlocks(ROOT, doc))
      .flatMap((block) =>
        block.run.kind === 'invalid' ? [`${block.doc}:${block.line}: ${block.run.problem}`] : [],
      );
    assert.deepEqual(problems, []);
  });

  it("README's `npm start -- <flags>` is the built CLI's `serve <flags>`", () => {
    const start = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
    assert.equal(start, START_SCRIPT, 'the README blocks run `npm start --` as the part after the build');
  });

  for (const doc of documents(ROOT)) {
    const blocks = docBlocks(ROOT, doc).filter(runnable);
    if (blocks.length === 0) continue;
    const fromClone = doc === 'README.md';

    describe(doc, () => {
      let session: DocSession;
      let cwd: string;
      before(async () => {
        const port = await freePort();
        const modules = join(ROOT, 'node_modules');
        if (fromClone) {
          cwd = join(scratch, 'clone');
          for (const name of CLONE_LAYOUT) link(join(ROOT, name), join(cwd, name));
          const harness = join(scratch, 'clone-harness');
          link(modules, join(harness, 'node_modules'));
          session = new DocSession({
            cwd,
            harness,
            port,
            modules,
            env: childEnv(),
            rewrite: (source) => source.replace(/\bnpm start( --)?/g, 'node dist/src/cli/main.js serve'),
          });
        } else {
          cwd = (install as PackedInstall).app;
          session = new DocSession({ cwd, harness: cwd, port, modules, env: childEnv() });
        }
      });
      after(() => session?.close());

      for (const block of blocks) {
        const needsCurl = block.run.kind === 'shell' && /\bcurl\b/.test(block.source);
        const skip = needsCurl ? curlSkip() : block.run.kind === 'python' ? pythonSkip() : false;
        it(`line ${block.line}: \`${block.info.trim()}\``, { skip }, () => session.run(block));
      }

      if (fromClone)
        it('its blocks wrote only where git does not look (an ignored folder, or outside the clone)', async () => {
          await session.close();
          const seen = seenByGit(filesUnder(cwd).map((file) => relative(cwd, join(cwd, file))));
          assert.deepEqual(seen, [], 'files a reader would find in `git status` after pasting the examples');
        });
    });
  }
});
