/**
 * The named corpus of hostile input: each case gets a clear 4xx in HubSpot's envelope
 * naming the problem, and the stored state (templates, records, a record's timeline) is the same
 * after it as before. Cases that are data, not attacks (prototype-named keys in `extraData` and
 * record properties, duplicate keys), are stored as data and read back unchanged.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { errorMessage } from '../../src/errors.js';
import { Limits } from '../../src/limits.js';
import { startTestServer, type TestResponse, type TestServer } from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';

const BODY_LIMIT = 64 * 1024;
let test: TestServer;
let templateId: string;
let contactId: string;
const batchPath = '/integrators/timeline/v3/events/batch/create';
const eventPath = '/integrators/timeline/v3/events';
const templatesPath = () => `/integrators/timeline/v3/${test.appId}/event-templates?hapikey=${test.apiKey}`;

before(async () => {
  test = await startTestServer({ bodyLimit: String(BODY_LIMIT), requestTimeout: '1', maxConnections: '8' });
  const template = await test.request('POST', templatesPath(), { body: webinarTemplate, token: false });
  assert.equal(template.status, 201, template.text);
  templateId = template.json.id;
  const event = await test.request('POST', eventPath, {
    body: {
      eventTemplateId: templateId,
      email: 'ada@example.com',
      id: 'seed-1',
      tokens: { webinarName: 'Intro' },
    },
  });
  assert.equal(event.status, 201, event.text);
  contactId = event.json.objectId;
});

after(async () => {
  await test?.close();
});

/** What a user can read back: the app's templates, the contacts, and the seeded contact's timeline. */
async function storedState(): Promise<unknown> {
  const templates = await test.request('GET', templatesPath(), { token: false });
  const contacts = await test.request('GET', '/crm/v3/objects/contacts?limit=100');
  const timeline = await test.request('GET', `/_timeline/v1/objects/contacts/${contactId}/events?limit=100`);
  return [templates.json, contacts.json, timeline.json];
}

function assertEnvelope(res: TestResponse, status: number, mentions?: string | RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.json?.status, 'error', res.text);
  assert.equal(typeof res.json.correlationId, 'string');
  assert.equal(typeof res.json.category, 'string');
  if (mentions !== undefined)
    assert.match(
      JSON.stringify(res.json),
      typeof mentions === 'string' ? new RegExp(escapeRegExp(mentions)) : mentions,
    );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Sends a request that must be refused, and checks nothing stored changed. */
async function refused(
  method: string,
  path: string,
  body: unknown,
  status: number,
  mentions?: string | RegExp,
  headers: Record<string, string> = {},
  token: string | false | undefined = undefined,
): Promise<TestResponse> {
  const before = await storedState();
  const res = await test.request(method, path, { body, headers, token });
  assertEnvelope(res, status, mentions);
  assert.deepEqual(await storedState(), before, 'the stored state changed');
  return res;
}

const event = (extra: Record<string, unknown> = {}) => ({
  eventTemplateId: templateId,
  objectId: contactId,
  tokens: { webinarName: 'Deep dive' },
  ...extra,
});

describe('bodies that cannot be read', () => {
  for (const [label, text] of [
    ['malformed JSON', '{"inputs": [1,}'],
    ['truncated JSON', '{"inputs": [{"eventTemplateId": "1", "tokens": {"a": "b"'],
    ['an empty body', ''],
  ] as const) {
    it(`${label}: 400 naming the parser's reason`, async () => {
      await refused('POST', batchPath, text, 400, /Invalid input JSON/);
    });
  }

  it('invalid UTF-8: 400, not read with U+FFFD in its place', async () => {
    const bytes = Buffer.concat([
      Buffer.from(JSON.stringify({ inputs: [event()] }).slice(0, -3)),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(']}'),
    ]);
    const before = await storedState();
    const res = await fetch(test.url + batchPath, {
      method: 'POST',
      headers: { authorization: `Bearer ${test.accessToken}`, 'content-type': 'application/json' },
      body: bytes,
    });
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.match(JSON.parse(text).message, /not valid UTF-8/);
    assert.deepEqual(await storedState(), before);
  });

  it('a body over the limit: 413 naming the limit', async () => {
    await refused(
      'POST',
      batchPath,
      { inputs: [event({ extraData: { pad: 'x'.repeat(BODY_LIMIT) } })] },
      413,
      String(BODY_LIMIT),
    );
  });

  for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
    it(`content type ${type}: 400 naming it`, async () => {
      await refused('POST', batchPath, JSON.stringify({ inputs: [event()] }), 400, type.split(';')[0], {
        'content-type': type,
      });
    });
  }
});

describe('nesting and size', () => {
  it(`extraData nested ${Limits.MAX_EXTRA_DATA_DEPTH + 1} deep: 400 naming extraData`, async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i <= Limits.MAX_EXTRA_DATA_DEPTH; i += 1) deep = { a: deep };
    const res = await refused('POST', eventPath, event({ extraData: deep }), 400, 'extraData');
    assert.equal(res.json.errors[0].in, 'extraData');
  });

  it(`extraData exactly ${Limits.MAX_EXTRA_DATA_DEPTH} deep is stored and read back`, async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < Limits.MAX_EXTRA_DATA_DEPTH; i += 1) deep = { a: deep };
    const res = await test.request('POST', eventPath, { body: event({ extraData: deep }) });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.json.extraData, deep);
  });

  it('a body nested 20,000 deep: 400 naming where, never a stack overflow', async () => {
    const text = `{"inputs":[{"eventTemplateId":"${templateId}","tokens":{},"extraData":${'['.repeat(20_000)}${']'.repeat(20_000)}}]}`;
    await refused('POST', batchPath, text, 400, /nests deeper than/);
  });

  it('a batch of 10,000 inputs: 400 naming the limit, nothing stored', async () => {
    const inputs = Array.from({ length: 10_000 }, () => ({ eventTemplateId: templateId, tokens: {} }));
    const big = await startTestServer({ logLevel: 'silent' });
    try {
      const res = await big.request('POST', batchPath, { body: { inputs } });
      assertEnvelope(res, 400, String(Limits.MAX_BATCH_INPUTS));
    } finally {
      await big.close();
    }
  });

  it(`a template with more than ${Limits.MAX_TOKENS_PER_TEMPLATE} tokens: 400 naming tokens, nothing stored`, async () => {
    const tokens = Array.from({ length: Limits.MAX_TOKENS_PER_TEMPLATE + 100 }, (_, i) => ({
      name: `t${i}`,
      label: 'T',
      type: 'string',
    }));
    await refused('POST', templatesPath(), { ...webinarTemplate, tokens }, 400, 'tokens', {}, false);
  });
});

describe('prototype-named keys', () => {
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    it(`a token named ${key} that the template lacks: 400 naming it, no pollution`, async () => {
      const text = `{"eventTemplateId":"${templateId}","objectId":"${contactId}","tokens":{"webinarName":"a","${key}":"polluted"}}`;
      await refused('POST', eventPath, text, 400, `tokens.${key}`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it(`extraData with ${key} keys is stored as data and read back`, async () => {
      const text = `{"eventTemplateId":"${templateId}","objectId":"${contactId}","id":"proto-${key}","tokens":{"webinarName":"a"},"extraData":{"${key}":{"polluted":"yes"},"list":[{"${key}":1}]}}`;
      const res = await test.request('POST', eventPath, { body: text });
      assert.equal(res.status, 201, res.text);
      const read = await test.request('GET', `${eventPath}/${templateId}/proto-${key}`);
      assert.deepEqual(
        read.json.extraData,
        JSON.parse(`{"${key}":{"polluted":"yes"},"list":[{"${key}":1}]}`),
      );
      assert.equal(Object.getPrototypeOf(read.json.extraData), Object.prototype);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it(`a record property named ${key} is stored as data and read back`, async () => {
      const text = `{"properties":{"email":"${key.replace(/_/g, '')}@example.com","${key}":"value"}}`;
      const res = await test.request('POST', '/crm/v3/objects/contacts', { body: text });
      assert.equal(res.status, 201, res.text);
      const read = await test.request('GET', `/crm/v3/objects/contacts/${res.json.id}?properties=${key}`);
      assert.equal(Object.hasOwn(read.json.properties, key), true, read.text);
      assert.equal(read.json.properties[key], 'value');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }
});

describe('strings and types', () => {
  const eventStrings = ['id', 'objectId', 'email', 'utk', 'domain'] as const;
  for (const field of eventStrings) {
    it(`a NUL in the event's ${field}: 400 naming it`, async () => {
      await refused('POST', eventPath, event({ [field]: 'a\u0000b' }), 400, field);
    });
  }

  it('a NUL in a token value: 400 naming the token', async () => {
    await refused('POST', eventPath, event({ tokens: { webinarName: 'a\u0000b' } }), 400, 'webinarName');
  });

  for (const field of ['name', 'headerTemplate', 'detailTemplate'] as const) {
    it(`a NUL in the template's ${field}: 400 naming it`, async () => {
      await refused(
        'POST',
        templatesPath(),
        { ...webinarTemplate, [field]: 'a\u0000b' },
        400,
        field,
        {},
        false,
      );
    });
  }

  it('control characters in a token value are data: stored and read back as sent', async () => {
    const value = 'bell\u0007 escape\u001b[31m tab\t';
    const res = await test.request('POST', eventPath, {
      body: event({ id: 'ctrl-1', tokens: { webinarName: value } }),
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.tokens.webinarName, value);
  });

  it('an event id longer than HubSpot allows: 400 naming id', async () => {
    await refused('POST', eventPath, event({ id: 'x'.repeat(Limits.MAX_EVENT_ID_BYTES + 1) }), 400, 'id');
  });

  it('a very long template name: no 5xx, and nothing stored when refused', async () => {
    const before = await storedState();
    const res = await test.request('POST', templatesPath(), {
      body: { ...webinarTemplate, name: 'n'.repeat(60_000) },
      token: false,
    });
    assert.ok(res.status < 500, res.text);
    if (res.status >= 400) assert.deepEqual(await storedState(), before);
  });

  it('a string for a number token: 400 naming the token', async () => {
    await refused('POST', eventPath, event({ tokens: { webinarName: 'a', seats: 'many' } }), 400, 'seats');
  });

  it('an object for a string field: 400 naming the field', async () => {
    await refused('POST', eventPath, event({ email: { a: 1 } }), 400, 'email');
  });

  it('a number for a string field is coerced, as Jackson does', async () => {
    const res = await test.request('POST', eventPath, {
      body: event({ id: 12345, tokens: { webinarName: 7 } }),
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.id, '12345');
    assert.equal(res.json.tokens.webinarName, '7');
  });

  it('duplicate JSON keys: the last one wins (as JSON.parse and Jackson by default)', async () => {
    const text = `{"eventTemplateId":"${templateId}","objectId":"${contactId}","id":"dup-1","id":"dup-2","tokens":{"webinarName":"first","webinarName":"last"}}`;
    const res = await test.request('POST', eventPath, { body: text });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.id, 'dup-2');
    assert.equal(res.json.tokens.webinarName, 'last');
  });
});

describe('fields and parameters given in a shape the route cannot read (found by the fuzzer)', () => {
  for (const query of ['archived=true&archived=false', 'limit=1&limit=2', 'after=1&after=2']) {
    it(`GET /crm/v3/objects/contacts?${query}: 400 naming the parameter`, async () => {
      await refused('GET', `/crm/v3/objects/contacts?${query}`, undefined, 400, query.split('=')[0]);
    });
  }

  it('GET /crm/v3/schemas?archived=1&archived=1: 400 naming archived', async () => {
    await refused('GET', '/crm/v3/schemas?archived=true&archived=true', undefined, 400, 'archived');
  });

  it("GET /oauth/authorize with client_id twice: OAuth's 400 naming it", async () => {
    const res = await test.request('GET', '/oauth/authorize?client_id=a&client_id=b', { token: false });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(Object.keys(res.json).sort(), ['correlationId', 'message', 'status']);
    assert.equal(res.json.status, 'BAD_REQUEST');
    assert.match(res.json.message, /client_id/);
  });

  it("POST /oauth/v1/token with a number for client_secret: OAuth's 400 naming it", async () => {
    const res = await test.request('POST', '/oauth/v1/token', {
      body: {
        grant_type: 'client_credentials',
        client_id: test.credentials.oauthClientId,
        client_secret: 12345,
      },
      token: false,
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.status, 'BAD_REQUEST');
    assert.match(res.json.message, /client_secret/);
  });
});

describe('paths', () => {
  for (const path of [
    '/integrators/timeline/v3/events/%E0%A4%A/x',
    '/crm/v3/objects/contacts/%zz',
    '/ui/records/%',
    '/%',
  ]) {
    it(`malformed percent-encoding ${path}: 400 in HubSpot's envelope`, async () => {
      const res = await test.request('GET', path);
      assertEnvelope(res, 400, 'malformed percent-encoding');
      assert.ok(res.headers.get('x-hubspot-correlation-id'));
    });
  }

  it("an over-long path segment: 414 in HubSpot's envelope naming the limit", async () => {
    const res = await test.request('GET', `${eventPath}/${templateId}/${'x'.repeat(3000)}`);
    assertEnvelope(res, 414, '2048');
  });

  it('a path no route serves: 404 naming it', async () => {
    const res = await test.request('GET', '/nowhere');
    assertEnvelope(res, 404, errorMessage('ROUTE_NOT_FOUND', { method: 'GET', path: '/nowhere' }));
  });
});

/** Opens a raw TCP connection; resolves when connected. */
function rawSocket(): Promise<Socket> {
  const { port } = new URL(test.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function untilClosed(socket: Socket, timeoutMs: number): Promise<{ data: string; ms: number }> {
  const started = Date.now();
  let data = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms: ${data}`)), timeoutMs);
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data, ms: Date.now() - started });
    });
  });
}

describe('slow and many clients', () => {
  it("a slow-loris body is cut after --request-timeout with a 408 in HubSpot's envelope", async () => {
    const socket = await rawSocket();
    socket.write(
      `POST ${eventPath} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${test.accessToken}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      const { data, ms } = await untilClosed(socket, 8000);
      assert.match(data, /^HTTP\/1\.1 408 /);
      const body = JSON.parse(data.slice(data.indexOf('\r\n\r\n') + 4));
      assert.equal(body.status, 'error');
      assert.equal(body.message, errorMessage('REQUEST_TIMEOUT', { seconds: 1 }));
      assert.ok(ms < 5000, `cut after ${ms} ms`);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  });

  it("headers over Node's 16 KiB limit: 431 in HubSpot's envelope", async () => {
    const socket = await rawSocket();
    const closed = untilClosed(socket, 5000);
    socket.write(`GET /_health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const { data } = await closed;
    assert.match(data, /^HTTP\/1\.1 431 /);
    assert.equal(JSON.parse(data.slice(data.indexOf('\r\n\r\n') + 4)).status, 'error');
  });

  it("bytes that are not HTTP: 400 in HubSpot's envelope", async () => {
    const socket = await rawSocket();
    const closed = untilClosed(socket, 5000);
    socket.write('HELLO THERE\r\n\r\n');
    const { data } = await closed;
    assert.match(data, /^HTTP\/1\.1 400 /);
    assert.match(JSON.parse(data.slice(data.indexOf('\r\n\r\n') + 4)).message, /not valid HTTP/);
  });

  it('connections past --max-connections are closed at once; the server serves again after', async () => {
    const sockets = await Promise.all(Array.from({ length: 8 }, () => rawSocket()));
    try {
      const extra = await rawSocket();
      const { data } = await untilClosed(extra, 3000);
      assert.equal(data, '', 'the connection over the limit is closed without an answer');
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await test.request('GET', '/_health');
    assert.equal(res.status, 200, res.text);
  });
});
