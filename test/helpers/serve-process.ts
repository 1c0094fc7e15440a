/**
 * `timeline-server serve` as a real child process (the built CLI), for tests that signal or kill it:
 * started with known credentials, resolved once it prints `listening on`, its output kept.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');

/** Credentials every spawned server is provisioned with, so restarts keep them. */
export const SERVE_CREDENTIALS = {
  portalId: 4242,
  appId: 94242,
  accessToken: 'reliability-token',
  developerApiKey: 'reliability-key',
} as const;

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the process has exited: its code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the server; `onSpawn` gets the child before it listens (to kill it during its start). */
export function spawnServe(
  db: string,
  extraArgs: string[] = [],
  onSpawn?: (child: ChildProcess) => void,
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      'serve',
      '--port',
      '0',
      '--db',
      db,
      '--portal-id',
      String(SERVE_CREDENTIALS.portalId),
      '--app-id',
      String(SERVE_CREDENTIALS.appId),
      '--access-token',
      SERVE_CREDENTIALS.accessToken,
      '--developer-api-key',
      SERVE_CREDENTIALS.developerApiKey,
      '--log-level',
      'error',
      // Load tests, not rate-limit tests: HubSpot's limits would refuse their sustained ingestion.
      '--rate-limit',
      'off',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  onSpawn?.(child);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (match?.[1]) resolve({ child, url: match[1], output: () => out, exited });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the server ended (code ${code}, signal ${signal}) before listening:\n${out}`)),
    );
  });
}

/** Sends `signal` and waits for the exit. */
export async function signalAndWait(
  server: ServeProcess,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  server.child.kill(signal);
  return server.exited;
}
