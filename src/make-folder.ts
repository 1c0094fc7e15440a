import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates a folder and any missing parents, one level at a time, and throws the first level's
 * error. Not `mkdirSync(folder, { recursive: true })`: on a path whose parent exists but refuses new
 * entries with ENOENT (anything under /proc), Node's recursive mkdir retries for ever at full CPU
 * instead of failing, so `serve --db /proc/x/timeline.db` would hang.
 */
export function makeFolder(folder: string): void {
  if (existsSync(folder)) return;
  const parent = dirname(folder);
  if (parent !== folder) makeFolder(parent);
  mkdirSync(folder);
}
