/**
 * Every failure of HubSpot's current OAuth API (`/oauth/{v3,2026-03,2026-09}/token[/introspect|/revoke]`):
 * HubSpot's `Error` envelope (category, correlationId, message, subCategory, `errors[].in` naming the
 * field) with RFC 6749's `error` and `error_description`, the status of docs/errors.md's OAuth table;
 * what the server refuses rather than guesses (private-key JWT client authentication, the JWT bearer
 * grant); and bodies it cannot read.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { hashSecret } from '../../src/domain/credentials/secrets.js';
import { errorMessage } from '../../src/errors.js';
import type { TestServer } from '../helpers/test-server.js';
import {
  ADMIN,
  authorizeCode,
  CLIENT,
  codeGrant,
  type OAuthResponse,
  oauthPost,
  REDIRECT,
  refreshGrant,
  startOAuthServer,
} from './oauth-helpers.js';

let now = Date.parse('2026-09-01T12:00:00Z');
const clock = { now: () => now };
let server: TestServer;
before(async () => {
  server = await startOAuthServer(clock);
});
after(() => server.close());

interface Expected {
  status: number;
  category: string;
  subCategory: string;
  error: string;
  message: string;
  in?: string;
}

/** The answer is the failure expected, in HubSpot's envelope with RFC 6749's fields. */
function assertFailure(response: OAuthResponse, expected: Expected): void {
  const label = response.text;
  assert.equal(response.status, expected.status, label);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, label);
  const body = response.json;
  assert.equal(body.status, 'error', label);
  assert.equal(body.category, expected.category, label);
  assert.equal(body.subCategory, expected.subCategory, label);
  assert.equal(body.message, expected.message, label);
  assert.equal(body.error, expected.error, label);
  assert.equal(body.error_description, expected.message, label);
  assert.equal(body.correlationId, response.headers.get('x-hubspot-correlation-id'), label);
  assert.match(body.correlationId, /^[0-9a-f-]{36}$/, label);
  if (expected.in !== undefined) assert.equal(body.errors?.[0]?.in, expected.in, label);
  if (expected.status === 401)
    assert.equal(response.headers.get('x-hubspot-auth-failure'), '401 Unauthorized');
}

const invalidRequest = (detail: string, field: string): Expected => ({
  status: 400,
  category: 'VALIDATION_ERROR',
  subCategory: 'BAD_REQUEST',
  error: 'invalid_request',
  message: detail,
  in: field,
});

const token = (fields: Record<string, string>, version = '2026-03') =>
  oauthPost(server, `/oauth/${version}/token`, fields);

describe('the token endpoint', () => {
  test('grant_type: missing, unknown, not of this version, JWT bearer', async () => {
    assertFailure(await token({ ...CLIENT }), invalidRequest('grant_type is required', 'grant_type'));
    for (const version of ['v3', '2026-03']) {
      assertFailure(await token({ grant_type: 'password', ...CLIENT }, version), {
        status: 400,
        category: 'VALIDATION_ERROR',
        subCategory: 'BAD_GRANT_TYPE',
        error: 'unsupported_grant_type',
        message: 'grant_type must be authorization_code, refresh_token or client_credentials',
        in: 'grant_type',
      });
    }
    assertFailure(await token({ grant_type: 'client_credentials', ...CLIENT }, '2026-09'), {
      status: 400,
      category: 'VALIDATION_ERROR',
      subCategory: 'BAD_GRANT_TYPE',
      error: 'unsupported_grant_type',
      message: 'grant_type must be authorization_code or refresh_token',
      in: 'grant_type',
    });
    const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    assertFailure(await token({ grant_type: jwtBearer, assertion: 'eyJhbGciOi.x.y' }, 'v3'), {
      status: 400,
      category: 'VALIDATION_ERROR',
      subCategory: 'BAD_GRANT_TYPE',
      error: 'unsupported_grant_type',
      message: errorMessage('OAUTH_JWT_BEARER_UNSUPPORTED', {
        grantType: jwtBearer,
        grants: 'authorization_code, refresh_token or client_credentials',
      }),
      in: 'grant_type',
    });
  });

  test('client_assertion and client_assertion_type are refused, naming the field and client_secret', async () => {
    const code = await authorizeCode(server);
    for (const field of ['client_assertion', 'client_assertion_type']) {
      const response = await token({
        ...codeGrant(code),
        client_secret: '',
        [field]:
          field === 'client_assertion'
            ? 'eyJhbGciOiJSUzI1NiJ9.e30.sig'
            : 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      });
      assertFailure(response, {
        status: 400,
        category: 'VALIDATION_ERROR',
        subCategory: 'BAD_CLIENT_AUTHENTICATION',
        error: 'invalid_client',
        message: errorMessage('OAUTH_CLIENT_ASSERTION_UNSUPPORTED', { field }),
        in: field,
      });
      assert.match(response.json.message, /send client_id and client_secret/);
    }
    // The code was not used up by the refused requests.
    assert.equal((await token(codeGrant(code))).status, 200);
  });

  test("each grant's fields: missing ones are named", async () => {
    assertFailure(
      await token({ grant_type: 'authorization_code', ...CLIENT, redirect_uri: REDIRECT }),
      invalidRequest('code is required', 'code'),
    );
    assertFailure(
      await token({ grant_type: 'authorization_code', ...CLIENT, code: 'x' }),
      invalidRequest('redirect_uri is required', 'redirect_uri'),
    );
    assertFailure(
      await token({ grant_type: 'refresh_token', ...CLIENT }),
      invalidRequest('refresh_token is required', 'refresh_token'),
    );
  });

  test('client authentication: 401 invalid_client naming the field', async () => {
    const code = await authorizeCode(server);
    const unauthenticated = (subCategory: string, field: string): Expected => ({
      status: 401,
      category: 'INVALID_AUTHENTICATION',
      subCategory,
      error: 'invalid_client',
      message: `missing or invalid ${field}`,
      in: field,
    });
    const noId = await token({ ...codeGrant(code), client_id: '' });
    assertFailure(noId, unauthenticated('BAD_CLIENT_ID', 'client_id'));
    assert.equal(noId.json.errors[0].code, 'REQUIRED_FIELD');
    const unknownId = await token({ ...codeGrant(code), client_id: 'nobody' });
    assertFailure(unknownId, unauthenticated('BAD_CLIENT_ID', 'client_id'));
    assert.equal(unknownId.json.errors[0].code, 'INVALID_VALUE');
    assertFailure(
      await token({ ...codeGrant(code), client_secret: 'wrong' }),
      unauthenticated('BAD_CLIENT_SECRET', 'client_secret'),
    );
    const { client_secret: _, ...noSecret } = codeGrant(code);
    assertFailure(await token(noSecret), unauthenticated('BAD_CLIENT_SECRET', 'client_secret'));
  });

  test('codes, verifiers, redirect URIs, refresh tokens and scopes: invalid_grant and invalid_scope', async () => {
    const grant = (subCategory: string, message: string, field: string): Expected => ({
      status: 400,
      category: 'VALIDATION_ERROR',
      subCategory,
      error: 'invalid_grant',
      message,
      in: field,
    });
    assertFailure(
      await token(codeGrant('made-up')),
      grant('BAD_AUTH_CODE', 'missing or unknown auth code', 'code'),
    );
    const used = await authorizeCode(server);
    assert.equal((await token(codeGrant(used))).status, 200);
    assertFailure(
      await token(codeGrant(used)),
      grant('BAD_AUTH_CODE', 'missing or unknown auth code', 'code'),
    );
    const late = await authorizeCode(server);
    now += 11 * 60_000;
    assertFailure(await token(codeGrant(late)), grant('EXPIRED_AUTH_CODE', 'auth code is expired', 'code'));
    const verifier = 'a-pkce-verifier-of-enough-length-0123456789-abcdefghijkl';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pkce = await authorizeCode(server, { code_challenge: challenge, code_challenge_method: 'S256' });
    assertFailure(
      await token(codeGrant(pkce, { code_verifier: 'not-it' })),
      grant('BAD_AUTH_CODE', errorMessage('OAUTH_BAD_CODE_VERIFIER'), 'code_verifier'),
    );
    assertFailure(
      await token(codeGrant(await authorizeCode(server), { redirect_uri: 'https://evil.example/' })),
      grant('BAD_REDIRECT_URI', errorMessage('OAUTH_BAD_REDIRECT_URI'), 'redirect_uri'),
    );
    assertFailure(
      await token(refreshGrant('rt-made-up')),
      grant('BAD_REFRESH_TOKEN', 'missing or invalid refresh token', 'refresh_token'),
    );
    assertFailure(
      await token({ grant_type: 'client_credentials', ...CLIENT, scope: 'timeline automation' }),
      {
        status: 400,
        category: 'VALIDATION_ERROR',
        subCategory: 'BAD_SCOPE',
        error: 'invalid_scope',
        message: errorMessage('OAUTH_BAD_SCOPE', { scope: 'automation' }),
        in: 'scope',
      },
    );
  });

  test('client credentials for an app nobody of the portal approved: unauthorized_client', async () => {
    const other = { client_id: 'untrusted-client', client_secret: 'untrusted-secret' };
    const appId = Number(`6${server.appId}`);
    assert.equal(
      (await server.request('POST', '/_admin/v1/developer-accounts', { token: ADMIN, body: { appId } }))
        .status,
      201,
    );
    await server.store.ensureOAuthClient({
      clientId: other.client_id,
      clientSecretHash: hashSecret(other.client_secret),
      redirectUri: REDIRECT,
      appId,
    });
    assertFailure(await token({ grant_type: 'client_credentials', ...other }, 'v3'), {
      status: 400,
      category: 'VALIDATION_ERROR',
      subCategory: 'UNAUTHORIZED_CLIENT',
      error: 'unauthorized_client',
      message: errorMessage('OAUTH_UNAUTHORIZED_CLIENT', { appId, portalId: server.portalId }),
      in: 'grant_type',
    });
  });
});

describe('introspection and revocation', () => {
  for (const path of ['introspect', 'revoke']) {
    test(`${path}: the client's credentials and the token are required`, async () => {
      const issued = await token(codeGrant(await authorizeCode(server)));
      const post = (fields: Record<string, string>) => oauthPost(server, `/oauth/v3/token/${path}`, fields);
      const noCredentials = await post({ token: issued.json.access_token });
      assertFailure(noCredentials, {
        status: 401,
        category: 'INVALID_AUTHENTICATION',
        subCategory: 'BAD_CLIENT_ID',
        error: 'invalid_client',
        message: 'missing or invalid client_id',
        in: 'client_id',
      });
      assertFailure(
        await post({ token: issued.json.access_token, client_id: CLIENT.client_id, client_secret: 'x' }),
        {
          status: 401,
          category: 'INVALID_AUTHENTICATION',
          subCategory: 'BAD_CLIENT_SECRET',
          error: 'invalid_client',
          message: 'missing or invalid client_secret',
          in: 'client_secret',
        },
      );
      assertFailure(await post({ ...CLIENT }), invalidRequest('token is required', 'token'));
      assertFailure(
        await post({ ...CLIENT, token: issued.json.access_token, client_assertion: 'eyJ.e30.x' }),
        {
          status: 400,
          category: 'VALIDATION_ERROR',
          subCategory: 'BAD_CLIENT_AUTHENTICATION',
          error: 'invalid_client',
          message: errorMessage('OAUTH_CLIENT_ASSERTION_UNSUPPORTED', { field: 'client_assertion' }),
          in: 'client_assertion',
        },
      );
      // None of the refused requests revoked the token.
      const info = await oauthPost(server, '/oauth/v3/token/introspect', {
        ...CLIENT,
        token: issued.json.access_token,
      });
      assert.equal(info.json.active, true);
    });
  }
});

describe('bodies the routes cannot read', () => {
  const raw = (path: string, contentType: string | undefined, body: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      body,
    }).then(async (response) => {
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: JSON.parse(text),
      } as OAuthResponse;
    });

  test('a field given twice, or a JSON value that is not text, is refused naming the field', async () => {
    assertFailure(
      await raw(
        '/oauth/v3/token',
        'application/x-www-form-urlencoded',
        'grant_type=refresh_token&grant_type=client_credentials',
      ),
      invalidRequest('grant_type must be given once, as text', 'grant_type'),
    );
    for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
      assertFailure(
        await raw('/oauth/2026-03/token/introspect', type, JSON.stringify({ token: 42, ...CLIENT })),
        invalidRequest('token must be given once, as text', 'token'),
      );
      assertFailure(
        await raw('/oauth/2026-03/token', type, '["grant_type"]'),
        // Under the form label a text that is no JSON object is a form (of one oddly named field).
        type === 'application/json'
          ? invalidRequest('the body must be a form of named fields', 'body')
          : invalidRequest('grant_type is required', 'grant_type'),
      );
    }
  });

  test('JSON under the form label that does not parse, or nests without bound', async () => {
    assertFailure(
      await raw('/oauth/2026-03/token', 'application/x-www-form-urlencoded', '{"grant_type": '),
      invalidRequest('the body must be form-encoded fields (or a JSON object of them)', 'body'),
    );
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const refused = await raw('/oauth/2026-03/token', 'application/x-www-form-urlencoded', deep);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.error, 'invalid_request');
    assert.match(refused.json.message, /nests deeper than/);
  });

  test('another content type: a 400 saying to send a form (/oauth/v1: in its legacy shape)', async () => {
    const v1 = await raw('/oauth/v1/token', 'text/plain', 'grant_type=refresh_token');
    assert.equal(v1.status, 400);
    assert.equal(v1.json.status, 'BAD_REQUEST');
    assert.match(v1.json.message, /send the fields form-encoded/);
    assertFailure(
      await raw('/oauth/2026-09/token', 'text/plain', 'grant_type=refresh_token'),
      invalidRequest(
        "Content-Type 'text/plain' is not supported: send the fields form-encoded (application/x-www-form-urlencoded)",
        'Content-Type',
      ),
    );
  });

  test('an empty body asks for grant_type; a GET is not a route', async () => {
    assertFailure(
      await raw('/oauth/v3/token', 'application/x-www-form-urlencoded', ''),
      invalidRequest('grant_type is required', 'grant_type'),
    );
    const get = await fetch(`${server.url}/oauth/v3/token`);
    assert.equal(get.status, 404);
  });
});
