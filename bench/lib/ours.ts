/** Starting our server (`timeline-server serve`) for the benchmarks and creating the bench template. */
import { join } from 'node:path';
import { API, APP_EVENT_TYPE, TEMPLATE } from './bodies.js';
import { freePort, type ServerProcess, spawnUntilReady, startProcess } from './processes.js';

export const PORTAL_ID = 101;
export const APP_ID = 202;
export const ACCESS_TOKEN = 'bench-token';
export const API_KEY = 'bench-key';
const ADMIN_TOKEN = 'bench-admin';

/** dist/src/cli/main.js, next to dist/bench/lib/ once built. */
const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');

/**
 * The rate limiter at work but never refusing: limits no benchmark reaches, window and daily both
 * counted, so `--limiter-cost` measures what counting costs.
 */
export const UNREACHABLE_RATE_LIMIT = '999999999/10s,999999999999/day';

function serveArgs(db: string, port: number, rateLimit = 'off', entry = ENTRY): string[] {
  return [
    entry,
    'serve',
    '--port',
    String(port),
    '--db',
    db,
    '--portal-id',
    String(PORTAL_ID),
    '--app-id',
    String(APP_ID),
    '--access-token',
    ACCESS_TOKEN,
    '--developer-api-key',
    API_KEY,
    '--admin-token',
    ADMIN_TOKEN,
    '--log-level',
    'silent',
    '--rate-limit',
    rateLimit,
  ];
}

/**
 * Our server on `db` (a SQLite path or a postgres:// URL), on a port of its choosing; `entry` runs
 * another build's `dist/src/cli/main.js` (`request-cpu.ts --compare`); `nodeFlags` go to `node`
 * before it (`--cpu-prof`).
 */
export function startOurs(
  db: string,
  rateLimit?: string,
  entry?: string,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  return startProcess(process.execPath, [...nodeFlags, ...serveArgs(db, 0, rateLimit, entry)]);
}

/** Our server on `db`, ready when `GET /_health` answers 2xx: `startMs` is spawn to that answer. */
export async function startOursProbed(db: string): Promise<ServerProcess> {
  const port = await freePort();
  return spawnUntilReady(process.execPath, serveArgs(db, port), `http://127.0.0.1:${port}`, async (url) => {
    const response = await fetch(`${url}/_health`);
    await response.arrayBuffer();
    return response.ok;
  });
}

/** Creates the bench template through the API; returns its id. */
export async function createTemplate(url: string): Promise<string> {
  const response = await fetch(`${url}${API}/${APP_ID}/event-templates?hapikey=${API_KEY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...TEMPLATE, name: `Bench ${Date.now()}` }),
  });
  if (response.status !== 201)
    throw new Error(`template create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Creates the bench app event type through the admin API; returns its fully qualified name. */
export async function createAppEventType(url: string): Promise<string> {
  const response = await fetch(`${url}/_admin/v1/apps/${APP_ID}/app-event-types`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(APP_EVENT_TYPE),
  });
  if (!response.ok)
    throw new Error(`app event type create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { fullyQualifiedName: string }).fullyQualifiedName;
}
