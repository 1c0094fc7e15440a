/**
 * Errors common to every route, before any route's own rules: bodies that cannot be read, unknown
 * paths, the health check, and authentication coming before body validation. The server's body
 * limit is lowered to 2048 bytes so a too-large body is cheap to send.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorMessage } from '../../src/errors.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertError, assertJsonAnswer, PREFIXES, templatesPath, UUID } from './template-helpers.js';

const BODY_LIMIT = 2048;
let test: TestServer;
let templateId: string;

before(async () => {
  test = await startTestServer({ bodyLimit: String(BODY_LIMIT) });
  const res = await test.request('POST', templatesPath(PREFIXES[0], test.appId, '', test.apiKey), {
    body: { name: 'Target', tokens: [{ name: 'a', label: 'A', type: 'string' }] },
    token: false,
  });
  assert.equal(res.status, 201, res.text);
  templateId = res.json.id;
});

after(async () => {
  await test?.close();
});

/** The parser's own reason for refusing `text`, as the server reports it. */
function parseFailure(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} parses`);
}

interface BodyRoute {
  label: string;
  method: string;
  /** The path, with `?hapikey=key` on developer routes when a key is given. */
  path: (prefix: string, key?: string) => string;
  bearer: boolean;
}

/** `shape` names the path for test titles; `rest` builds it once the template exists. */
const developerRoute = (method: string, shape: string, rest: () => string): BodyRoute => ({
  label: `${method} /{appId}/event-templates${shape}`,
  method,
  path: (prefix, key) => templatesPath(prefix, test.appId, rest(), key),
  bearer: false,
});

const bearerRoute = (rest: string): BodyRoute => ({
  label: `POST ${rest}`,
  method: 'POST',
  path: (prefix) => `${prefix}${rest}`,
  bearer: true,
});

const BODY_ROUTES: BodyRoute[] = [
  developerRoute('POST', '', () => ''),
  developerRoute('PUT', '/{id}', () => `/${templateId}`),
  developerRoute('POST', '/{id}/tokens', () => `/${templateId}/tokens`),
  developerRoute('PUT', '/{id}/tokens/a', () => `/${templateId}/tokens/a`),
  bearerRoute('/events'),
  bearerRoute('/events/batch/create'),
];

for (const prefix of PREFIXES) {
  describe(`unreadable bodies under ${prefix}`, () => {
    for (const route of BODY_ROUTES) {
      const send = (body: string, headers: Record<string, string> = {}) =>
        test.request(route.method, route.path(prefix, test.apiKey), {
          body,
          headers,
          token: route.bearer ? undefined : false,
        });

      it(`${route.label}: malformed JSON is 400 with the parser's reason`, async () => {
        const text = '{"name": "x",';
        assertError(await send(text), 'MALFORMED_JSON', {
          message: errorMessage('MALFORMED_JSON', { detail: parseFailure(text) }),
        });
      });

      it(`${route.label}: an empty body with a JSON content type is 400`, async () => {
        const res = await send('', { 'content-type': 'application/json' });
        assertError(res, 'MALFORMED_JSON');
        assert.ok(res.json.message.startsWith(errorMessage('MALFORMED_JSON', { detail: '' })), res.text);
      });

      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        it(`${route.label}: content type ${contentType} is 400`, async () => {
          assertError(await send('name=x', { 'content-type': contentType }), 'UNSUPPORTED_CONTENT_TYPE', {
            message: errorMessage('UNSUPPORTED_CONTENT_TYPE', { contentType }),
          });
        });
      }

      it(`${route.label}: a body over the size limit is 413`, async () => {
        const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) });
        assertError(await send(big), 'BODY_TOO_LARGE', {
          message: errorMessage('BODY_TOO_LARGE', { limit: BODY_LIMIT }),
        });
      });

      it(`${route.label}: without credentials a bad body is 401, not 400`, async () => {
        const bad: [string, Record<string, string>][] = [
          ['{"name": ', {}],
          ['name=x', { 'content-type': 'text/plain' }],
          [JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) }), {}],
          [JSON.stringify({ name: 42, objectType: 'nope' }), {}],
        ];
        for (const [body, headers] of bad) {
          const res = await test.request(route.method, route.path(prefix), { body, headers, token: false });
          assertError(res, 'MISSING_CREDENTIALS', { message: errorMessage('MISSING_CREDENTIALS') });
        }
      });

      it(`${route.label}: with wrong credentials a bad body is 401, not 400`, async () => {
        const res = await test.request(route.method, route.path(prefix, 'wrong-key'), {
          body: '{"name": ',
          token: route.bearer ? 'wrong-token' : false,
        });
        assertError(res, route.bearer ? 'INVALID_ACCESS_TOKEN' : 'INVALID_API_KEY');
      });
    }

    it('a JSON content type with a charset or a +json suffix is read', async () => {
      for (const contentType of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
        const res = await test.request('POST', templatesPath(prefix, test.appId, '', test.apiKey), {
          body: JSON.stringify({ name: `Typed ${contentType}`, tokens: [] }),
          headers: { 'content-type': contentType },
          token: false,
        });
        assert.equal(res.status, 201, `${contentType}: ${res.text}`);
        assertJsonAnswer(res);
      }
    });

    for (const route of BODY_ROUTES) {
      const send = (body?: string) =>
        test.request(route.method, route.path(prefix, test.apiKey), {
          body,
          token: route.bearer ? undefined : false,
        });

      it(`${route.label}: a body that is JSON but not an object is 400 naming the body`, async () => {
        for (const body of ['[]', '"text"', '42', 'null']) {
          assertError(await send(body), 'INVALID_INPUT', { in: ['body'] });
        }
      });

      it(`${route.label}: no body at all is 400 naming the body`, async () => {
        assertError(await send(), 'INVALID_INPUT', { in: ['body'] });
      });
    }

    it('a DELETE with a JSON content type and no body is read as no body', async () => {
      const path = templatesPath(prefix, test.appId, '', test.apiKey);
      const created = await test.request('POST', path, {
        body: { name: 'To delete', tokens: [] },
        token: false,
      });
      assert.equal(created.status, 201);
      const res = await test.request(
        'DELETE',
        templatesPath(prefix, test.appId, `/${created.json.id}`, test.apiKey),
        { headers: { 'content-type': 'application/json' }, token: false },
      );
      assert.equal(res.status, 204, res.text);
    });

    it('an unknown path under the prefix is a JSON 404', async () => {
      for (const [method, path] of [
        ['GET', `${prefix}/nothing-here`],
        ['POST', `${prefix}/${test.appId}/event-templates/${templateId}/nothing`],
        ['PATCH', templatesPath(prefix, test.appId, `/${templateId}`, test.apiKey)],
      ] as const) {
        const res = await test.request(method, path);
        assertError(res, 'ROUTE_NOT_FOUND', {
          message: errorMessage('ROUTE_NOT_FOUND', { method, path: path.split('?')[0] ?? '' }),
        });
      }
    });
  });
}

describe('routes outside the prefixes', () => {
  it('an unknown path is a JSON 404 with a correlation id', async () => {
    const res = await test.request('GET', '/no/such/path?x=1', { token: false });
    assertError(res, 'ROUTE_NOT_FOUND', {
      message: errorMessage('ROUTE_NOT_FOUND', { method: 'GET', path: '/no/such/path' }),
    });
  });

  it('an unknown path with a bad body is still a JSON 404', async () => {
    const res = await test.request('POST', '/no/such/path', { body: '{"broken', token: false });
    assertError(res, 'ROUTE_NOT_FOUND');
  });

  it('GET /_health answers 200 {"status":"ok"} as JSON with a correlation id', async () => {
    const res = await test.request('GET', '/_health', { token: false });
    assert.equal(res.status, 200);
    assertJsonAnswer(res);
    assert.deepEqual(res.json, { status: 'ok' });
  });

  it('every answer has its own correlation id', async () => {
    const a = await test.request('GET', '/_health', { token: false });
    const b = await test.request('GET', '/nope', { token: false });
    const idA = a.headers.get('x-hubspot-correlation-id') ?? '';
    const idB = b.headers.get('x-hubspot-correlation-id') ?? '';
    assert.match(idA, UUID);
    assert.match(idB, UUID);
    assert.notEqual(idA, idB);
    assert.equal(b.json.correlationId, idB);
  });
});
