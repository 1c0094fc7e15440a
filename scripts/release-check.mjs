// The package as a user will get it, checked before a release: `npm pack`, the tarball installed in
// an empty temporary folder (install scripts on, so better-sqlite3 builds its binary as on a user's
// machine), `npx timeline-server serve` started there, one API request, then stopped. Fails on any
// engine warning of the install, a server that does not answer, or one that does not stop.
// Usage: npm run release:check. Exit codes: 0 passed, 1 failed (the step and what it printed are said).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const TOKEN = 'release-check-token';
const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'timeline-release-'));
let server;

class CheckFailure extends Error {}

function say(message) {
  console.log(`release check: ${message}`);
}

/** Runs a command to its end; fails the check with what it printed unless it exits 0. */
function run(step, command, args, cwd, timeout) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
    throw new CheckFailure(`${step}: \`${command} ${args.join(' ')}\` failed (${why}):\n${output}`);
  }
  return output;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 200; fails if the server exits first or does not answer in time. */
async function waitForHealth(url, output) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null)
      throw new CheckFailure(
        `start: the server exited (${server.exitCode ?? server.signalCode}):\n${output()}`,
      );
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new CheckFailure(`start: no answer from ${url} within ${START_TIMEOUT_MS / 1000} s:\n${output()}`);
}

/** Whether a process of the server's group is still alive. */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function check() {
  say('packing (npm pack runs the package build)');
  const packed = run(
    'pack',
    'npm',
    ['pack', '--silent', '--pack-destination', scratch],
    ROOT,
    INSTALL_TIMEOUT_MS,
  )
    .trim()
    .split('\n')
    .pop();
  const app = join(scratch, 'app');
  mkdirSync(app);
  // As docs/testing.md tells a user: allow better-sqlite3's install script (npm 11 warns without it,
  // npm 12 skips it), so the install builds its binary.
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'release-check', private: true, allowScripts: { 'better-sqlite3': true } }),
  );
  say(
    `installing ${packed} in an empty folder, ${app} (install scripts on: minutes when better-sqlite3 compiles)`,
  );
  const install = run(
    'install',
    'npm',
    ['install', '--no-audit', '--no-fund', join(scratch, packed)],
    app,
    INSTALL_TIMEOUT_MS,
  );
  const engineWarnings = install.split('\n').filter((line) => line.includes('EBADENGINE'));
  if (engineWarnings.length > 0)
    throw new CheckFailure(`install: npm warned that a dependency does not support this Node:\n${install}`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = [
    'timeline-server',
    'serve',
    '--port',
    String(port),
    '--db',
    ':memory:',
    '--access-token',
    TOKEN,
  ];
  say(`starting \`npx ${args.join(' ')}\``);
  // Its own process group: npx runs the server as a child of its own, and both must stop.
  server = spawn('npx', args, { cwd: app, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  server.stdout.on('data', (chunk) => {
    printed += chunk;
  });
  server.stderr.on('data', (chunk) => {
    printed += chunk;
  });
  await waitForHealth(`${base}/_health`, () => printed);

  const response = await fetch(`${base}/crm/v3/objects/contacts`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const body = await response.text();
  if (response.status !== 200 || !Array.isArray(JSON.parse(body).results))
    throw new CheckFailure(`request: GET /crm/v3/objects/contacts answered ${response.status}: ${body}`);
  say(`GET /crm/v3/objects/contacts answered 200 with ${body}`);

  process.kill(-server.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(server.pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(server.pid))
    throw new CheckFailure(`stop: still running ${STOP_TIMEOUT_MS / 1000} s after SIGTERM:\n${printed}`);
  try {
    await fetch(`${base}/_health`);
    throw new CheckFailure(`stop: ${base} still answers after the server stopped`);
  } catch (error) {
    if (error instanceof CheckFailure) throw error;
  }
  say('stopped on SIGTERM');
}

let failed = false;
try {
  await check();
  say(`passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  failed = true;
  const message = error instanceof CheckFailure ? `at ${error.message}` : `unexpectedly: ${error?.stack}`;
  console.error(`release check FAILED ${message}`);
  if (server?.pid !== undefined && groupAlive(server.pid)) process.kill(-server.pid, 'SIGKILL');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
