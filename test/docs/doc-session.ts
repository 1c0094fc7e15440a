/**
 * Runs one document's code blocks in order, as a reader pasting them would (see doc-blocks.ts for
 * the convention): shell blocks share a working folder and their exported variables, a `server`
 * block keeps running in the background for the blocks after it, and no block may leave a process
 * running (the session checks the block's process group once it has exited).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { DocBlock } from './doc-blocks.js';

export interface SessionOptions {
  /** The working folder of every block. */
  cwd: string;
  /** Where the session writes its scripts and modules; its node_modules resolve what blocks import. */
  harness: string;
  /** The free port that replaces the blocks' 8080. */
  port: number;
  env: NodeJS.ProcessEnv;
  /** Where the runners' packages are (vitest, jest). */
  modules: string;
  /** Rewrites a block before it runs (in a clone, `npm start --` to the built CLI). */
  rewrite?: (source: string) => string;
}

const BLOCK_TIMEOUT_MS = 120_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const LEFTOVER_GRACE_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function groupGone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Starts `command` in a process group of its own, collecting what it prints. */
function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  // `exit` when the command itself ends; `close` once every process holding its output has ended
  // too, which a process left running in the background delays.
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, exited, closed, output: () => output };
}

export class DocSession {
  private server: ReturnType<typeof start> | undefined;
  private readonly state: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: SessionOptions) {
    mkdirSync(options.harness, { recursive: true });
    this.state = join(options.harness, 'shell-state.sh');
    const base = `http://127.0.0.1:${options.port}`;
    // The server's and the CLI's defaults are port 8080: here, the free port.
    this.env = {
      ...options.env,
      PORT: String(options.port),
      TIMELINE_PORT: String(options.port),
      HUBSPOT_BASE_URL: base,
    };
  }

  private text(block: DocBlock): string {
    const source = block.source.replace(/\b8080\b/g, String(this.options.port));
    return this.options.rewrite ? this.options.rewrite(source) : source;
  }

  /**
   * A shell script that starts where the previous block ended (its folder and exported variables)
   * and, when `saveState`, records where it ends, also when it stops at a failing command (`exit=N`).
   * An ERR trap, not an EXIT one: blocks set EXIT traps of their own to stop what they started.
   */
  private script(block: DocBlock, saveState: boolean): string {
    const file = join(this.options.harness, `block-${block.line}.sh`);
    const state = JSON.stringify(this.state);
    const lines = [`if [ -f ${state} ]; then . ${state}; fi`];
    if (saveState)
      lines.push(
        `__doc_save_state() { { export -p; printf 'cd %q\\n' "$PWD"; } > ${state}; }`,
        "trap '__doc_save_state' ERR",
      );
    lines.push('set -euo pipefail', this.text(block));
    if (saveState) lines.push('__doc_save_state');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  async run(block: DocBlock): Promise<void> {
    const where = `${block.doc}:${block.line}`;
    const { run } = block;
    if (run.kind === 'shell' && run.server) return this.startServer(block, where);
    if (run.kind === 'shell') return this.runShell(block, where, run.exitCode);
    if (run.kind === 'module') return this.runModule(block, where, run.typescript);
    if (run.kind === 'runner') return this.runRunner(block, where, run.runner);
    if (run.kind === 'python') {
      const file = join(this.options.harness, `block-${block.line}.py`);
      writeFileSync(file, this.text(block));
      await this.runToEnd(where, 'python3', [file], this.options.cwd, this.env);
      return;
    }
    if (run.kind === 'json') {
      const documents = run.lines ? block.source.split('\n').filter((line) => line.trim()) : [block.source];
      for (const text of documents)
        assert.doesNotThrow(() => JSON.parse(text), `${where}: not JSON: ${text}`);
      return;
    }
    assert.fail(`${where}: not a block to run (${run.kind})`);
  }

  /** Runs `command` to its end (or the timeout); fails unless it exits `exitCode` and leaves nothing running. */
  private async runToEnd(
    where: string,
    command: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    exitCode = 0,
  ) {
    const run = start(command, args, cwd, env);
    const pid = run.child.pid as number;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    }, BLOCK_TIMEOUT_MS);
    const code = await run.exited;
    clearTimeout(timer);
    const leftover = !(await groupGone(pid, LEFTOVER_GRACE_MS));
    if (leftover) process.kill(-pid, 'SIGKILL');
    await run.closed;
    const output = run.output();
    assert.ok(!timedOut, `${where}: still running after ${BLOCK_TIMEOUT_MS / 1000} s (killed):\n${output}`);
    assert.ok(!leftover, `${where}: left a process running after it ended (killed now):\n${output}`);
    assert.equal(code, exitCode, `${where}: exited ${code}, expected ${exitCode}:\n${output}`);
    return output;
  }

  private async runShell(block: DocBlock, where: string, exitCode: number) {
    const script = this.script(block, true);
    await this.runToEnd(where, 'bash', [script], this.options.cwd, this.env, exitCode);
  }

  private async startServer(block: DocBlock, where: string) {
    await this.close();
    const server = start('bash', [this.script(block, false)], this.options.cwd, this.env);
    this.server = server;
    const url = `http://127.0.0.1:${this.options.port}/_health`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (server.child.exitCode !== null || server.child.signalCode !== null)
        assert.fail(`${where}: the server exited:\n${server.output()}`);
      if (Date.now() > deadline) assert.fail(`${where}: no answer from ${url}:\n${server.output()}`);
      const status = await fetch(url).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      await sleep(200);
    }
  }

  private async runModule(block: DocBlock, where: string, typescript: boolean) {
    let source = this.text(block);
    if (typescript)
      source = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
    const file = join(this.options.harness, `block-${block.line}.mjs`);
    writeFileSync(file, source);
    await this.runToEnd(where, process.execPath, [file], this.options.cwd, this.env);
  }

  private async runRunner(block: DocBlock, where: string, runner: 'node:test' | 'vitest' | 'jest') {
    if (runner === 'node:test') {
      const file = join(this.options.harness, `example-${block.line}.test.mjs`);
      writeFileSync(file, this.text(block));
      await this.runToEnd(where, process.execPath, ['--test', file], this.options.harness, this.env);
      return;
    }
    // A project of its own inside the harness, so the installed package resolves from it: vitest's
    // is an ES module project, as its recipe says; jest's is CommonJS, jest's default.
    const project = join(this.options.harness, `${runner}-${block.line}`);
    mkdirSync(project, { recursive: true });
    const type = runner === 'vitest' ? { type: 'module' } : {};
    writeFileSync(join(project, 'package.json'), JSON.stringify({ private: true, ...type }));
    const files = filesOf(this.text(block));
    assert.ok(files.size > 0, `${where}: no \`// <file name>\` line starts a file`);
    for (const [name, source] of files) writeFileSync(join(project, name), `${source.trim()}\n`);
    const bin = join(this.options.modules, runner, runner === 'jest' ? 'bin/jest.js' : 'vitest.mjs');
    const args = runner === 'jest' ? ['--ci'] : ['run'];
    const env = { ...this.env, CI: 'true', NO_COLOR: '1' };
    const output = await this.runToEnd(where, process.execPath, [bin, ...args], project, env);
    const passed = runner === 'jest' ? /Tests:\s+(\d+) passed, \1 total/ : /Tests\s+\d+ passed/;
    assert.match(output, passed, `${where}: ${runner} ran no passing test:\n${output}`);
  }

  /** Stops the running server block, if any: SIGTERM, and it must be gone in time. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const pid = server?.child.pid;
    if (server === undefined || pid === undefined || !groupAlive(pid)) return;
    process.kill(-pid, 'SIGTERM');
    if (!(await groupGone(pid, STOP_TIMEOUT_MS))) {
      process.kill(-pid, 'SIGKILL');
      assert.fail(`the server did not stop on SIGTERM:\n${server.output()}`);
    }
  }
}

/** The files of a runner block: each starts at a `// <file name>` line (the rest of that line is a comment). */
export function filesOf(block: string): Map<string, string> {
  const lines = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of block.split('\n')) {
    const name = /^\/\/ ([\w.-]+\.[cm]?[jt]s)\b/.exec(line)?.[1];
    if (name) {
      current = [];
      lines.set(name, current);
    }
    current?.push(line);
  }
  return new Map([...lines].map(([name, text]) => [name, text.join('\n')]));
}
