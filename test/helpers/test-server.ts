/**
 * Starts a real server on a free port for a test file, with known credentials, and gives raw HTTP
 * and the official HubSpot client pointed at it. The database is SQLite in memory unless
 * TIMELINE_TEST_DB names another (a file path or a postgres:// URL): the HTTP suites run on every
 * backend that way.
 */
import assert from 'node:assert/strict';
import { Client } from '@hubspot/api-client';
import { loadConfig } from '../../src/config.js';
import type { Clock, IdGenerator } from '../../src/domain/clock.js';
import { type RunningServer, startServer } from '../../src/server.js';

export interface TestServer extends RunningServer {
  /** The official client with the access token and developer API key of the provisioned app. */
  client: Client;
  appId: number;
  portalId: number;
  accessToken: string;
  apiKey: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
}

export interface RequestOptions {
  /** A value to send as JSON, or a string sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sends `Authorization: Bearer <token>`; `false` sends none. Default: the provisioned token. */
  token?: string | false;
  /** `manual`: a redirect is the answer (the UI's sign-in redirect), not followed. Default: followed. */
  redirect?: 'follow' | 'manual';
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes
  json: any;
}

let portalCounter = 0;

/** The response, after asserting it is a success (its status and body are the message when not). */
export async function ok(res: TestResponse): Promise<TestResponse> {
  assert.ok(res.status < 300, `${res.status} ${res.text}`);
  return res;
}

export function testDatabase(): string {
  return process.env.TIMELINE_TEST_DB ?? ':memory:';
}

export async function startTestServer(
  settings: Record<string, string> = {},
  options: { clock?: Clock; ids?: IdGenerator } = {},
): Promise<TestServer> {
  // Unique ids per server, so servers sharing one PostgreSQL database do not see each other's data.
  portalCounter += 1;
  const unique = `${process.pid}${portalCounter}`;
  const config = loadConfig({
    port: '0',
    db: testDatabase(),
    portalId: unique,
    appId: `9${unique}`,
    accessToken: `token-${unique}`,
    developerApiKey: `key-${unique}`,
    logLevel: 'silent',
    // Suites make hundreds of calls in seconds; the rate-limit suite turns limits on where it tests them.
    rateLimit: 'off',
    ...settings,
  });
  const server = await startServer(config, options);
  const { credentials } = server;
  const client = new Client({
    accessToken: credentials.accessToken,
    developerApiKey: credentials.developerApiKey,
    basePath: server.url,
    numberOfApiCallRetries: 0,
  });
  const request = async (method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? credentials.accessToken : opts.token;
    if (token !== false) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(server.url + path, {
      method,
      headers,
      body,
      redirect: opts.redirect ?? 'follow',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    ...server,
    client,
    appId: credentials.appId,
    portalId: credentials.portalId,
    accessToken: credentials.accessToken,
    apiKey: credentials.developerApiKey,
    request,
  };
}
