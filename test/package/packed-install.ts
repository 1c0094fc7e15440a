/**
 * The package as a user gets it: `npm pack` of this checkout, and the tarball installed in an empty
 * project in the system's temporary folder. Shared by the package test and the docs test, so each
 * pays for one pack and one install however many recipes it runs there.
 *
 * The install runs without install scripts and gets the better-sqlite3 binary this checkout already
 * built, after checking that the versions are the same: a real install compiles it from source here
 * (no prebuilt binary can be downloaded), minutes that `npm run release:check` spends once in CI.
 * Everything of ours (files, exports, bin, declarations) is as published, and npm resolves and checks
 * the same dependency tree.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface PackedInstall {
  /** The temporary folder holding the tarball and the project; remove it when done. */
  scratch: string;
  tarball: string;
  /** The tarball's file names (`package/...`). */
  listing: string[];
  /** The project the tarball is installed in: `node_modules/hubspot-timeline-server` and its dependencies. */
  app: string;
  /** What `npm install` printed, standard output and error. */
  installOutput: string;
}

/** Runs npm; fails with what it printed unless it exits 0. Answers standard output and error. */
export function npm(args: string[], cwd: string, timeout: number): string {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  assert.equal(
    result.status,
    0,
    `npm ${args.join(' ')} failed (${result.error ?? result.status}):\n${output}`,
  );
  return output;
}

export function packAndInstall(options: { prefix: string; timeout: number }): PackedInstall {
  const scratch = mkdtempSync(join(tmpdir(), options.prefix));
  const packed = npm(['pack', '--silent', '--pack-destination', scratch], ROOT, options.timeout)
    .trim()
    .split('\n')
    .pop() as string;
  const tarball = join(scratch, packed);
  const tar = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  assert.equal(tar.status, 0, tar.stderr);
  const app = join(scratch, 'app');
  mkdirSync(app);
  // As docs/testing.md tells a user: allow better-sqlite3's install script (npm 11 warns without it,
  // npm 12 skips it). Scripts are off here, but the project is the one a user would have.
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      allowScripts: { 'better-sqlite3': true },
    }),
  );
  const installOutput = npm(
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball],
    app,
    options.timeout,
  );
  const version = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
  assert.equal(version(app), version(ROOT), 'the same better-sqlite3 as this checkout');
  cpSync(
    join(ROOT, 'node_modules', 'better-sqlite3', 'build'),
    join(app, 'node_modules', 'better-sqlite3', 'build'),
    {
      recursive: true,
    },
  );
  return { scratch, tarball, listing: tar.stdout.trim().split('\n'), app, installOutput };
}
