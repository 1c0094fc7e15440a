/**
 * Shared by the template and token HTTP suites: developer-key requests, and the
 * assertions every answer must pass (JSON content type, correlation id header, HubSpot's envelope).
 */
import assert from 'node:assert/strict';
import { V3 } from '../../src/domain/api-versions.js';
import { ErrorCatalogue, type ErrorCode } from '../../src/errors.js';
import type { TestResponse, TestServer } from '../helpers/test-server.js';

/** v3's two prefixes (the current one first). */
export const PREFIXES = V3.prefixes as readonly [string, string];
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Ids unique to this process, so servers sharing one PostgreSQL database do not collide. */
let uniqueCounter = 0;
export function uniqueNumber(): number {
  uniqueCounter += 1;
  return Number(`7${process.pid}${String(uniqueCounter).padStart(3, '0')}`);
}

/** A path under `prefix` for `appId`, with `?hapikey=` (none when `key` is undefined). */
export function templatesPath(prefix: string, appId: number | string, rest = '', key?: string): string {
  const query = key === undefined ? '' : `?hapikey=${encodeURIComponent(key)}`;
  return `${prefix}/${appId}/event-templates${rest}${query}`;
}

/** A developer-key request: no Bearer token, only `?hapikey=`. */
export function devRequest(
  test: TestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return test.request(method, path, { body, token: false, headers });
}

/** Binds a server, prefix, app and key: `api.post('', body)`, `api.get('/12')`. */
export function templatesApi(test: TestServer, prefix: string, appId = test.appId, key = test.apiKey) {
  const call = (method: string) => (rest: string, body?: unknown) =>
    devRequest(test, method, templatesPath(prefix, appId, rest, key), body);
  return { get: call('GET'), post: call('POST'), put: call('PUT'), delete: call('DELETE') };
}

/** Every non-204 answer: a JSON content type and a correlation id header that is a UUID. */
export function assertJsonAnswer(res: TestResponse): void {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/, `content-type of ${res.text}`);
  assert.match(res.headers.get('x-hubspot-correlation-id') ?? '', UUID);
  assert.notEqual(res.json, undefined, `body is JSON: ${res.text}`);
}

export function assertNoContent(res: TestResponse): void {
  assert.equal(res.status, 204, res.text);
  assert.equal(res.text, '');
  assert.match(res.headers.get('x-hubspot-correlation-id') ?? '', UUID);
}

export interface ExpectedError {
  /** The message exactly (build it with `errorMessage`). */
  message?: string;
  /** The exact set of fields named by `errors[].in`. */
  in?: string[];
}

/** HubSpot's error envelope with the catalogue's status and category for `code`. */
export function assertError(res: TestResponse, code: ErrorCode, expected: ExpectedError = {}): void {
  const spec = ErrorCatalogue[code];
  assert.equal(res.status, spec.status, `status of ${res.text}`);
  assertJsonAnswer(res);
  const body = res.json;
  assert.equal(body.status, 'error');
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  assert.match(body.correlationId, UUID);
  assert.equal(body.correlationId, res.headers.get('x-hubspot-correlation-id'));
  assert.equal(body.category, spec.category);
  // HubSpot marks every 401 with this header.
  if (res.status === 401) assert.equal(res.headers.get('x-hubspot-auth-failure'), '401 Unauthorized');
  if (expected.message !== undefined) assert.equal(body.message, expected.message);
  if (expected.in !== undefined) {
    assert.ok(Array.isArray(body.errors), `errors[] in ${res.text}`);
    for (const detail of body.errors) {
      assert.equal(typeof detail.message, 'string');
      assert.equal(typeof detail.in, 'string', `every error names its field: ${res.text}`);
    }
    const fields = [...new Set(body.errors.map((detail: { in: string }) => detail.in))].sort();
    assert.deepEqual(fields, [...expected.in].sort(), `fields named in ${res.text}`);
  }
}

/** A 400 VALIDATION_ERROR naming exactly `fields`. */
export function assertInvalid(res: TestResponse, fields: string[]): void {
  assertError(res, 'INVALID_INPUT', { in: fields });
}

/** A token as the server answers it (options always present, times ISO). */
export function assertWireToken(token: Record<string, unknown>): void {
  assert.equal(typeof token.name, 'string');
  assert.equal(typeof token.label, 'string');
  assert.ok(['string', 'number', 'date', 'enumeration'].includes(token.type as string));
  assert.ok(Array.isArray(token.options));
  assert.match(token.createdAt as string, ISO_DATE);
  assert.match(token.updatedAt as string, ISO_DATE);
}

/** A template as the server answers it. */
export function assertWireTemplate(template: Record<string, unknown>): void {
  assert.match(template.id as string, /^\d+$/);
  assert.equal(typeof template.name, 'string');
  assert.equal(typeof template.objectType, 'string');
  assert.ok(Array.isArray(template.tokens));
  for (const token of template.tokens as Record<string, unknown>[]) assertWireToken(token);
  assert.match(template.createdAt as string, ISO_DATE);
  assert.match(template.updatedAt as string, ISO_DATE);
}

/** HubSpot's 403 for a missing scope, field for field as users report it from the real service. */
export function assertMissingScopes(res: TestResponse, requiredScopes: string[]): void {
  assertError(res, 'MISSING_SCOPES', { message: ErrorCatalogue.MISSING_SCOPES.message });
  assert.deepEqual(res.json.errors, [
    {
      message: 'One or more of the following scopes are required.',
      context: { requiredGranularScopes: requiredScopes },
    },
  ]);
  assert.deepEqual(res.json.links, { scopes: 'https://developers.hubspot.com/scopes' });
  assert.deepEqual(Object.keys(res.json).sort(), [
    'category',
    'correlationId',
    'errors',
    'links',
    'message',
    'status',
  ]);
}
