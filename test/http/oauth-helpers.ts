/**
 * The OAuth tests' shared steps: a server whose admin trusts the provisioned app with its portal (so
 * `/oauth/authorize` approves at once), the authorize redirect, and requests shaped as HubSpot's new
 * TypeScript SDK sends them (`src/resources/auth/oauth.ts` of `HubSpot/hubspot-sdk-typescript`).
 */
import assert from 'node:assert/strict';
import type { Clock } from '../../src/domain/clock.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

export const REDIRECT = 'https://app.example.com/oauth/callback';
export const CLIENT = { client_id: 'client-1', client_secret: 'secret-1' };
export const ADMIN = 'admin-secret';

export async function startOAuthServer(
  clock: Clock,
  settings: Record<string, string> = {},
): Promise<TestServer> {
  const server = await startTestServer(
    {
      adminToken: ADMIN,
      oauthClientId: CLIENT.client_id,
      oauthClientSecret: CLIENT.client_secret,
      oauthRedirectUri: REDIRECT,
      oauthTokenTtl: '60',
      ...settings,
    },
    { clock },
  );
  const type = await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
    token: ADMIN,
    body: hsmeta(),
  });
  assert.equal(type.status, 201, type.text);
  const trusted = await server.request(
    'PUT',
    `/_admin/v1/apps/${server.appId}/trusted-portals/${server.portalId}`,
    { token: ADMIN },
  );
  assert.equal(trusted.status, 200, trusted.text);
  return server;
}

/** Follows /oauth/authorize with auto approval; answers the redirect's `code`. */
export async function authorizeCode(server: TestServer, extra: Record<string, string> = {}): Promise<string> {
  const query = new URLSearchParams({
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT,
    scope: 'oauth timeline crm.objects.contacts.write crm.objects.contacts.read',
    state: 'st',
    auto_approve: '1',
    ...extra,
  });
  const response = await fetch(`${server.url}/oauth/authorize?${query}`, { redirect: 'manual' });
  assert.equal(response.status, 302, await response.text());
  const location = new URL(response.headers.get('location') ?? '');
  return location.searchParams.get('code') ?? '';
}

/**
 * How the body is encoded: `form`, as OAuth libraries send it; `sdk`, as HubSpot's new SDK may (its
 * generic encoder writes JSON, under the form content type its OAuth methods set); `json`.
 */
export type Encoding = 'form' | 'sdk' | 'json';

export interface OAuthResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes
  json: any;
}

/** `POST {path}` with `fields` in the body and the headers HubSpot's new SDK sends. */
export async function oauthPost(
  server: TestServer,
  path: string,
  fields: Record<string, string>,
  encoding: Encoding = 'form',
): Promise<OAuthResponse> {
  const headers: Record<string, string> = {
    'content-type': encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    // The SDK's methods that answer a raw Response ask for anything; introspection asks for JSON.
    accept: path.endsWith('/introspect') ? 'application/json' : '*/*',
    'user-agent': 'Hubspot/JS 0.1.0',
    'x-stainless-retry-count': '0',
    'x-stainless-timeout': '60',
  };
  const body = encoding === 'form' ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The code grant's fields for the provisioned client. */
export const codeGrant = (code: string, extra: Record<string, string> = {}) => ({
  grant_type: 'authorization_code',
  ...CLIENT,
  redirect_uri: REDIRECT,
  code,
  ...extra,
});

export const refreshGrant = (refreshToken: string, extra: Record<string, string> = {}) => ({
  grant_type: 'refresh_token',
  ...CLIENT,
  refresh_token: refreshToken,
  ...extra,
});
