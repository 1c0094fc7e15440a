/**
 * What this machine lacks for some suites, and so what a run skips. One rule, used by the suites
 * themselves and by scripts/run-tests.mjs, which says once at the start and again in its summary
 * what was skipped and how to run it. Outside CI a missing tool skips its suites, so a machine with
 * only Node and npm passes `npm test`; with CI=true nothing is skipped for lack of a tool: the
 * suites run and fail saying what is missing (.ci/run installs Chromium and starts PostgreSQL).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

type Env = NodeJS.ProcessEnv;

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const EXAMPLE_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** CI services set CI=true (some CI=1); a developer's shell has no CI, or CI=false. */
export function inCi(env: Env = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** The browser the UI suite drives: CHROMIUM_PATH, else Debian's package. */
export function chromiumPath(env: Env = process.env): string {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** How to get a browser for the UI suite, said where it is skipped and where it fails. */
export function chromiumAdvice(env: Env = process.env): string {
  return `no Chromium at ${chromiumPath(env)}: install Debian's chromium package (apt-get install chromium), or point CHROMIUM_PATH at a Chromium or Chrome binary`;
}

/** Why the browser suite is skipped, or false when it runs. */
export function browserSkip(env: Env = process.env): string | false {
  if (env.TIMELINE_SKIP_BROWSER_TESTS === '1') return 'TIMELINE_SKIP_BROWSER_TESTS=1';
  if (existsSync(chromiumPath(env)) || inCi(env)) return false;
  return chromiumAdvice(env);
}

/** Why the PostgreSQL suites are skipped, or false when they run. */
export function postgresSkip(env: Env = process.env): string | false {
  if (env.TIMELINE_TEST_PG_URL) return false;
  return `TIMELINE_TEST_PG_URL is not set: to run them, TIMELINE_TEST_PG_URL=${EXAMPLE_PG_URL} npm test`;
}

/** Whether `command` is an executable file in one of the PATH's folders. */
export function onPath(command: string, env: Env = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why the docs' Python examples are skipped, or false when they run (CI has python3). */
export function pythonSkip(env: Env = process.env): string | false {
  if (onPath('python3', env) || inCi(env)) return false;
  return 'python3 is not installed: install it to run the Python examples';
}

/** Why the docs' shell examples (which call curl) are skipped, or false when they run. */
export function curlSkip(env: Env = process.env): string | false {
  if (onPath('curl', env) || inCi(env)) return false;
  return 'curl is not installed: install it (apt-get install curl) to run the shell examples';
}

export interface SkippedSuites {
  /** The suites, as a reader of the summary knows them. */
  suites: string;
  reason: string;
  /** Whether a run of these compiled test files includes any of the suites. */
  concerns: (files: readonly string[]) => boolean;
}

const under = (folder: string) => (files: readonly string[]) =>
  files.some((file) => file.replaceAll('\\', '/').includes(`/test/${folder}`));

/** Every group of suites this machine skips, with the reason and how to run them. */
export function skippedSuites(env: Env = process.env): SkippedSuites[] {
  const skipped: SkippedSuites[] = [];
  const pg = postgresSkip(env);
  if (pg)
    skipped.push({
      suites:
        'PostgreSQL suites (HTTP and store suites on PostgreSQL, test/postgres, PostgreSQL crash and outage tests)',
      reason: pg,
      concerns: (files) =>
        ['http/', 'store/', 'postgres/', 'reliability/'].some((folder) => under(folder)(files)),
    });
  const browser = browserSkip(env);
  if (browser)
    skipped.push({ suites: 'browser suite (test/browser)', reason: browser, concerns: under('browser/') });
  const curl = curlSkip(env);
  if (curl)
    skipped.push({ suites: "docs' shell examples (test/docs)", reason: curl, concerns: under('docs/') });
  return skipped;
}
