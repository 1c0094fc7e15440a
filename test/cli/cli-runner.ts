/**
 * Runs the real `timeline-server` command as a child process (asynchronously: the server under
 * test usually lives in the test's own process and must keep answering), and a small HTTP proxy
 * that can answer some requests itself, to inject 429s, 503s and delays in front of a server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestServer } from '../helpers/test-server.js';

export const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without the HUBSPOT_* variables of the machine, so flags are what the test gives. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('HUBSPOT_')) env[key] = value;
  return { ...env, ...extra };
}

export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [ENTRY, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The flags that point a client command at `server` (through `baseUrl`, e.g. a proxy, when given). */
export function serverFlags(server: TestServer, baseUrl: string = server.url): string[] {
  return [
    '--base-url',
    baseUrl,
    '--access-token',
    server.accessToken,
    '--app-id',
    String(server.appId),
    '--developer-api-key',
    server.apiKey,
  ];
}

export function runCli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  const child = startCli(args, options.env);
  return collect(child, options.stdin);
}

export function collect(child: ChildProcess, stdin?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(stdin ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** What the proxy does with one request: pass it on, or answer it itself. */
export type ProxyAction =
  | { kind: 'forward'; delayMs?: number }
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body: unknown }
  /** Pass it on, then answer 503 anyway: the server stored the batch but the client never heard. */
  | { kind: 'forwardThenFail' };

export interface Proxy {
  url: string;
  /** Requests seen, by `METHOD path` (without the query). */
  seen: string[];
  close(): Promise<void>;
}

export async function startProxy(
  target: string,
  decide: (request: { method: string; path: string; url: string; count: number }) => ProxyAction,
): Promise<Proxy> {
  const seen: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      seen.push(`${request.method} ${path}`);
      const action = decide({
        method: request.method ?? 'GET',
        path,
        url: request.url ?? '/',
        count: seen.length,
      });
      if (action.kind === 'answer') {
        response.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        response.end(JSON.stringify(action.body));
        return;
      }
      if (action.kind === 'forward' && action.delayMs)
        await new Promise((r) => setTimeout(r, action.delayMs));
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const upstream = await fetch(target + (request.url ?? '/'), {
        method: request.method ?? 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await upstream.text();
      if (action.kind === 'forwardThenFail') {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            status: 'error',
            message: 'upstream connection lost',
            category: 'SERVICE_UNAVAILABLE',
          }),
        );
        return;
      }
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') out[key] = value;
      });
      response.writeHead(upstream.status, out);
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * HubSpot's 429 of the rolling window, with its body and headers as users report them. HubSpot's
 * window is 10 s; tests pass a shorter one so the client's wait for it keeps them quick.
 */
export function rateLimited(intervalMs = 500): ProxyAction {
  return {
    kind: 'answer',
    status: 429,
    headers: {
      'x-hubspot-ratelimit-interval-milliseconds': String(intervalMs),
      'x-hubspot-ratelimit-max': '100',
      'x-hubspot-ratelimit-remaining': '0',
      'retry-after': '0',
    },
    body: {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: '00000000-0000-4000-8000-000000000000',
      policyName: 'TEN_SECONDLY_ROLLING',
    },
  };
}

export function unavailable(): ProxyAction {
  return {
    kind: 'answer',
    status: 503,
    body: { status: 'error', message: 'Service unavailable', category: 'SERVICE_UNAVAILABLE' },
  };
}
