/**
 * The package as a user gets it: `npm pack`, the tarball installed in an empty folder, then started
 * through `npx timeline-server serve` and through `startTimelineServer` from a small script, each
 * driven with the official client; its type declarations compile against a small TypeScript file.
 *
 * With `CI=true` the install is a real one, install scripts on, as a user's: better-sqlite3 builds
 * its binary (here it compiles from source, since no prebuilt binary can be downloaded on this
 * machine: minutes of compiling). Elsewhere (a developer's run) the install runs with
 * `--ignore-scripts` and gets the binary this checkout already built, after checking that the
 * versions are the same. Everything of ours (files, exports, bin, declarations) is as published.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { TimelineEventTemplateTokenTypeEnum as TokenType } from '@hubspot/api-client/lib/codegen/crm/timeline/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'timeline-pack-'));
const app = join(scratch, 'app');
const children: ChildProcess[] = [];

/** A real install (scripts on) in CI; the fast one, with this checkout's better-sqlite3 binary, elsewhere. */
const REAL_INSTALL = process.env.CI === 'true';
const INSTALL_TIMEOUT_MS = REAL_INSTALL ? 900_000 : 240_000;

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
  });

/** Starts `command` in the installed app and resolves with the first stdout line matching `ready`. */
function start(command: string, args: string[], ready: RegExp): Promise<RegExpExecArray> {
  // Its own process group: `npx` starts the server as a child of its own, and both must stop.
  const child = spawn(command, args, { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = ready.exec(out);
      if (match) resolve(match);
    });
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.on('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`)));
  });
}

async function driveWithClient(url: string, accessToken: string, developerApiKey: string, appId: number) {
  const client = new Client({ basePath: url, accessToken, developerApiKey, numberOfApiCallRetries: 0 });
  const template = await client.crm.timeline.templatesApi.create(appId, {
    name: 'Packaged',
    objectType: 'contacts',
    headerTemplate: 'Signed up for {{plan}}',
    tokens: [{ name: 'plan', label: 'Plan', type: TokenType.String }],
  });
  const batch = await client.crm.timeline.eventsApi.createBatch({
    inputs: [{ eventTemplateId: template.id, id: 'e1', email: 'ada@example.com', tokens: { plan: 'pro' } }],
  });
  assert.ok(batch && 'results' in batch);
  assert.equal(batch.results[0]?.id, 'e1');
  const html = await client.crm.timeline.eventsApi.getRenderById(template.id, 'e1');
  assert.match(String(html), /Signed up for pro/);
}

describe('the packed package', { timeout: INSTALL_TIMEOUT_MS + 120_000 }, () => {
  before(() => {
    const started = Date.now();
    const packed = npm(['pack', '--silent', '--pack-destination', scratch], ROOT)
      .trim()
      .split('\n')
      .pop() as string;
    const tarball = join(scratch, packed);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    assert.ok(listing.includes('package/dist/src/index.d.ts'), 'declarations are shipped');
    assert.ok(!listing.includes('package/dist/test/'), 'tests are not shipped');
    assert.ok(!listing.includes('package/src/'), 'TypeScript sources are not shipped');
    mkdirSync(app);
    // npm 11 runs a dependency's install script only when the project allows it (`allowScripts`; npm
    // 10, Node 20's, runs them all): a user's project allows better-sqlite3's, which builds its binary.
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        allowScripts: { 'better-sqlite3': true },
      }),
    );
    const binary = (dir: string) =>
      join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (REAL_INSTALL) {
      npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
      assert.ok(existsSync(binary(app)), 'the install built better-sqlite3');
    } else {
      npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], app);
      const version = (dir: string) =>
        JSON.parse(readFileSync(join(dir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
      assert.equal(version(app), version(ROOT), 'the same better-sqlite3 as this checkout');
      assert.ok(!existsSync(binary(app)), 'scripts off: no binary until copied');
      cpSync(
        join(ROOT, 'node_modules', 'better-sqlite3', 'build'),
        join(app, 'node_modules', 'better-sqlite3', 'build'),
        { recursive: true },
      );
    }
    const how = REAL_INSTALL ? 'real install, scripts on' : 'install without scripts, binary copied';
    console.log(`pack and install (${how}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  after(() => {
    for (const child of children)
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  });

  it('`npx timeline-server serve` starts it; the official client drives it', async () => {
    const match = await start(
      'npx',
      [
        'timeline-server',
        'serve',
        '--port',
        '0',
        '--db',
        ':memory:',
        '--app-id',
        '5100',
        '--access-token',
        'npx-token',
        '--developer-api-key',
        'npx-key',
        '--log-level',
        'silent',
      ],
      /listening on (\S+)\n/,
    );
    await driveWithClient(match[1] as string, 'npx-token', 'npx-key', 5100);
  });

  it('`startTimelineServer` from a script starts it; the official client drives it', async () => {
    writeFileSync(
      join(app, 'start.mjs'),
      `import { startTimelineServer } from 'hubspot-timeline-server';
const server = await startTimelineServer({ rateLimit: 'professional' });
console.log(JSON.stringify({ url: server.url, accessToken: server.accessToken, developerApiKey: server.developerApiKey, appId: server.appId }));
process.on('SIGTERM', async () => { await server.close(); process.exit(0); });
`,
    );
    const match = await start(process.execPath, ['start.mjs'], /^(\{.*\})\n/m);
    const started = JSON.parse(match[1] as string);
    await driveWithClient(started.url, started.accessToken, started.developerApiKey, started.appId);
  });

  it('its type declarations compile in a TypeScript consumer', () => {
    writeFileSync(
      join(app, 'check.ts'),
      `import { startTimelineServer, type TimelineServer, type JournalEntry, type FaultInput } from 'hubspot-timeline-server';
import { useTimelineServer } from 'hubspot-timeline-server/node-test';
const server: TimelineServer = await startTimelineServer({ db: ':memory:', rateLimit: 'off' });
const entries: JournalEntry[] = server.requests({ status: 429 });
server.addFault({ match: { path: '/crm/v3/objects/*' }, status: 503, times: 1 });
const lost: FaultInput = { when: 'after', action: 'truncate', match: { method: 'POST' } };
server.addFault(lost);
server.expectRequests({ path: '/crm/v3/objects/contacts', atLeast: 0 });
const waited: Promise<JournalEntry> = server.waitForRequest({ method: 'GET' }, { timeoutMs: 1 });
waited.catch(() => {});
server.freezeClock();
server.setClock('2030-01-01T00:00:00Z');
server.advanceClock(10_000);
await server.reset();
await server.close();
export const handle: typeof useTimelineServer = useTimelineServer;
export const count: number = entries.length;
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
    ];
    execFileSync(
      process.execPath,
      [tsc, ...args, '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), 'check.ts'],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    assert.ok(readdirSync(app).includes('check.ts'));
  });
});
