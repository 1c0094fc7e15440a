/**
 * The package as a user gets it (test/package/packed-install.ts): `npm pack`, the tarball installed in
 * an empty folder, then started through `npx timeline-server serve` and through `startTimelineServer`
 * from an ES module, each driven with the official client, and from a CommonJS script; its type
 * declarations compile in TypeScript consumers (ESM under node16 and bundler resolution, CommonJS
 * under nodenext); the install prints no engine warning, and every dependency installed supports every
 * Node version that `engines` claims; the licence and the example fixture are shipped, and the
 * fixture seeds a server.
 *
 * The install runs without install scripts and gets this checkout's better-sqlite3 binary: the real
 * install, scripts on, is `npm run release:check`'s, a step of .ci/run (minutes here, where
 * better-sqlite3 compiles from source), so CI pays for that compile once.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client } from '@hubspot/api-client';
import { TimelineEventTemplateTokenTypeEnum as TokenType } from '@hubspot/api-client/lib/codegen/crm/timeline/index.js';
import semver from 'semver';
import { type PackedInstall, packAndInstall, ROOT } from './packed-install.js';

const execFileAsync = promisify(execFile);
const children: ChildProcess[] = [];
let packed: PackedInstall;
let app: string;

const INSTALL_TIMEOUT_MS = 240_000;
const OWN = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

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

/** Every package.json under `dir`'s node_modules (scoped and nested ones too). */
function installedPackages(dir: string): { name: string; version: string; engines?: { node?: string } }[] {
  const found: { name: string; version: string; engines?: { node?: string } }[] = [];
  const modules = join(dir, 'node_modules');
  let names: string[];
  try {
    names = readdirSync(modules);
  } catch {
    return found;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const folders = name.startsWith('@')
      ? readdirSync(join(modules, name)).map((n) => join(name, n))
      : [name];
    for (const folder of folders) {
      const path = join(modules, folder);
      try {
        found.push(JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')));
      } catch {
        continue;
      }
      found.push(...installedPackages(path));
    }
  }
  return found;
}

/** Type-checks `source` as `file` in a consumer project of its own with `compilerOptions`. */
async function typeCheck(
  folder: string,
  packageJson: object,
  file: string,
  source: string,
  compilerOptions: object,
) {
  const dir = join(app, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, ...packageJson }));
  writeFileSync(join(dir, file), source);
  const options = {
    noEmit: true,
    strict: true,
    target: 'es2022',
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    ...compilerOptions,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: [file] }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await execFileAsync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    assert.fail(`${folder} does not type-check:\n${(error as { stdout: string }).stdout}`);
  }
}

const ESM_CONSUMER = `import { startTimelineServer, type TimelineServer, type JournalEntry, type FaultInput } from 'hubspot-timeline-server';
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
`;

const CJS_CONSUMER = `import { startTimelineServer, type TimelineServer } from 'hubspot-timeline-server';
export async function check(): Promise<number> {
  const server: TimelineServer = await startTimelineServer({ rateLimit: 'off' });
  await server.close();
  return server.requests().length;
}
`;

describe('the packed package', { timeout: INSTALL_TIMEOUT_MS + 120_000 }, () => {
  before(() => {
    const started = Date.now();
    packed = packAndInstall({ prefix: 'timeline-pack-', timeout: INSTALL_TIMEOUT_MS });
    app = packed.app;
    console.log(
      `pack and install (without scripts, binary copied): ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
  after(() => {
    for (const child of children)
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    if (packed) rmSync(packed.scratch, { recursive: true, force: true });
  });

  it('ships the compiled code, its declarations and the licence; no tests or sources', () => {
    const { listing } = packed;
    assert.ok(listing.includes('package/dist/src/index.d.ts'), 'declarations are shipped');
    assert.ok(!listing.some((file) => file.startsWith('package/dist/test/')), 'tests are not shipped');
    assert.ok(!listing.some((file) => file.startsWith('package/src/')), 'TypeScript sources are not shipped');
    assert.ok(listing.includes('package/LICENSE'), 'the licence is shipped');
    const installed = join(app, 'node_modules', 'hubspot-timeline-server');
    assert.equal(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).license, 'MIT');
    assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License\n/);
  });

  it('installs without an engine warning', () => {
    const warnings = packed.installOutput.split('\n').filter((line) => /EBADENGINE/.test(line));
    assert.deepEqual(warnings, [], `npm install printed:\n${packed.installOutput}`);
  });

  it('every dependency installed supports every Node version that `engines` claims', () => {
    const ours: string = OWN.engines.node;
    const narrower = installedPackages(app)
      .filter((pkg) => pkg.name !== OWN.name && typeof pkg.engines?.node === 'string')
      .filter((pkg) => !semver.subset(ours, pkg.engines?.node as string))
      .map((pkg) => `${pkg.name}@${pkg.version} wants node ${pkg.engines?.node}`);
    assert.deepEqual(narrower, [], `engines says node ${ours}`);
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

  it('`require()` loads it from CommonJS (require of an ES module: no top-level await in it)', () => {
    writeFileSync(
      join(app, 'start.cjs'),
      `const { startTimelineServer } = require('hubspot-timeline-server');
startTimelineServer().then(async (server) => {
  const health = await fetch(server.url + '/_health');
  await server.close();
  console.log('health', health.status);
});
`,
    );
    const out = execFileSync(process.execPath, ['start.cjs'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(out.trim(), 'health 200');
  });

  it('the shipped examples/fixture.json seeds a server started from the package', () => {
    writeFileSync(
      join(app, 'seeded.mjs'),
      `import { startTimelineServer } from 'hubspot-timeline-server';
const server = await startTimelineServer({ seed: 'node_modules/hubspot-timeline-server/examples/fixture.json' });
const answer = await fetch(server.url + '/integrators/timeline/v3/3400001/event-templates?hapikey=example-developer-key');
const { results } = await answer.json();
await server.close();
console.log(answer.status, results.map((template) => template.name).join(', '));
`,
    );
    const out = execFileSync(process.execPath, ['seeded.mjs'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.match(out.trim(), /^200 Webinar registration/);
  });

  it('its type declarations compile in TypeScript consumers of every module resolution', async () => {
    await Promise.all([
      typeCheck('types-node16', { type: 'module' }, 'check.ts', ESM_CONSUMER, {
        module: 'node16',
        moduleResolution: 'node16',
      }),
      typeCheck('types-bundler', { type: 'module' }, 'check.ts', ESM_CONSUMER, {
        module: 'esnext',
        moduleResolution: 'bundler',
      }),
      // A CommonJS project: its imports compile to require(), which TypeScript allows for an ES
      // module under `nodenext` (Node's require of ES modules; `node16` predates it and refuses).
      typeCheck('types-commonjs', {}, 'check.ts', CJS_CONSUMER, {
        module: 'nodenext',
        moduleResolution: 'nodenext',
      }),
    ]);
  });
});
