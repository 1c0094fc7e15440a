/**
 * Loads the app event types of a HubSpot project folder (`--project DIR`): every
 * `src/app/app-events/*-hsmeta.json` under DIR, for the provisioned app, as HubSpot's build does on
 * `hs project upload`. With `--watch` the folder is watched (node's recursive `fs.watch`) and the
 * files are loaded again after a change settles.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { AppEventTypeService } from '../domain/app-event-type-service.js';
import { ApiError } from '../errors.js';

/** Where HubSpot's project layout puts app event types. */
const HSMETA_PATH = /(^|\/)src\/app\/app-events\/[^/]+-hsmeta\.json$/;
/** Changes arrive as bursts of events (an editor writes, renames, touches): load once they stop. */
const SETTLE_MS = 150;

export interface ProjectLoad {
  /** The files loaded, relative to the project folder. */
  loaded: string[];
  /** One line per problem: the file, the field and the limit. */
  problems: string[];
}

/** The hsmeta files under `dir`, relative to it, sorted (node_modules and dot-folders skipped). */
export async function findHsmetaFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries
    .map((entry) => entry.split(sep).join('/'))
    .filter((path) => HSMETA_PATH.test(path))
    .filter((path) => !path.split('/').some((part) => part === 'node_modules' || part.startsWith('.')))
    .sort();
}

/** Creates or replaces the app's type of every file; a bad file is reported and the others load. */
export async function loadProject(
  dir: string,
  appId: number,
  types: AppEventTypeService,
): Promise<ProjectLoad> {
  const result: ProjectLoad = { loaded: [], problems: [] };
  for (const file of await findHsmetaFiles(dir)) {
    let document: unknown;
    try {
      document = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (error) {
      result.problems.push(`${file}: not readable JSON (${(error as Error).message})`);
      continue;
    }
    try {
      await types.put(appId, document, file);
      result.loaded.push(file);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const details = error.details.map((detail) => detail.message);
      result.problems.push(...(details.length > 0 ? details : [`${file}: ${error.message}`]));
    }
  }
  return result;
}

export interface ProjectWatcher {
  close(): void;
}

/** Loads the project again whenever a file under it changes; `report` gets each load's outcome. */
export function watchProject(
  dir: string,
  appId: number,
  types: AppEventTypeService,
  report: (load: ProjectLoad) => void,
): ProjectWatcher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const reload = () => {
    running = running.then(async () => {
      try {
        report(await loadProject(dir, appId, types));
      } catch (error) {
        report({ loaded: [], problems: [`${dir}: ${(error as Error).message}`] });
      }
    });
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, name) => {
    const path = name ? String(name).split(sep).join('/') : '';
    if (path !== '' && !path.endsWith('.json')) return;
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  });
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
