/**
 * Stoplight Prism, the comparison for `bench:ingest --vs-prism`: installed on first use into the
 * git-ignored bench/.prism/ (never a project dependency), started in mock mode with logging off
 * against the OpenAPI document of bench/lib/openapi.ts, which is written next to it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SINGLE_PATH } from './bodies.js';
import { timelineOpenApi } from './openapi.js';
import { freePort, type ServerProcess, spawnUntilReady } from './processes.js';

/**
 * 5.14.2 is the last 5.x that runs on Node 20 (5.15 and later declare engines node >= 24); pinned so
 * that every run measures the same Prism.
 */
export const PRISM_PACKAGE = '@stoplight/prism-cli@5.14.2';

/** bench/.prism in the source tree (this file runs from dist/bench/lib/). */
export const PRISM_DIR = join(import.meta.dirname, '..', '..', '..', 'bench', '.prism');
const CLI = join(PRISM_DIR, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
const DOCUMENT = join(PRISM_DIR, 'timeline-openapi.json');

/** Installs Prism into bench/.prism unless already there; returns its version. */
export async function ensurePrism(): Promise<string> {
  if (!existsSync(join(PRISM_DIR, 'node_modules', '.bin', 'prism')) || !existsSync(CLI)) {
    console.log(`installing ${PRISM_PACKAGE} into ${PRISM_DIR} (first use) ...`);
    mkdirSync(PRISM_DIR, { recursive: true });
    // Its own package.json, so npm does not walk up to the project's and add a dependency there.
    const manifest = join(PRISM_DIR, 'package.json');
    if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true }\n');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const args = ['install', '--prefix', PRISM_DIR, '--no-audit', '--no-fund', '--save-exact', PRISM_PACKAGE];
    try {
      await promisify(execFile)(npm, args, { cwd: PRISM_DIR, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stderr, message } = error as { stderr?: string; message: string };
      throw new Error(`could not install Prism: npm ${args.join(' ')} failed:\n${stderr || message}`);
    }
  }
  const manifest = join(PRISM_DIR, 'node_modules', '@stoplight', 'prism-cli', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Writes bench/.prism/timeline-openapi.json (batch examples of `batchSize` results). */
export function writeDocument(templateId: string, batchSize: number): string {
  writeFileSync(DOCUMENT, `${JSON.stringify(timelineOpenApi(templateId, batchSize), null, 2)}\n`);
  return DOCUMENT;
}

/**
 * Starts `prism mock` on a free port with logging off; ready (and `startMs` measured) at the first
 * 201 to a real single-event create carrying `probeBody`.
 */
export async function startPrism(probeBody: string, token: string): Promise<ServerProcess> {
  const port = await freePort();
  const args = [
    CLI,
    'mock',
    DOCUMENT,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--verboseLevel',
    'silent',
  ];
  return spawnUntilReady(process.execPath, args, `http://127.0.0.1:${port}`, async (url) => {
    const response = await fetch(`${url}${SINGLE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: probeBody,
    });
    await response.arrayBuffer();
    return response.status === 201;
  });
}
