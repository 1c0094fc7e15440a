/**
 * Faults after the route (the work is done and stored, the answer is lost or replaced) and
 * connection-level faults (reset, close after the headers, an empty, cut or dripped body), seen
 * from real HTTP clients (fetch, node:http with a read timeout, the official client with retries),
 * with the stored state read back through the API after each fault, and the journal's account.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const API = PREFIXES[0];
let server: TestServer;
let admin: string;
let template: string;

before(async () => {
  server = await startTestServer({ allowFaultHeader: 'true' });
  admin = server.credentials.adminToken;
  template = await createTemplate(server);
});
after(() => server.close());
beforeEach(async () => {
  await server.request('DELETE', '/_admin/v1/faults', { token: admin });
  await server.request('DELETE', '/_admin/v1/requests', { token: admin });
});

const event = (id: string) => ({
  eventTemplateId: template,
  id,
  email: `${id}@example.com`,
  tokens: { webinarName: 'Intro', webinarId: 'w1' },
});

const addFault = async (body: Record<string, unknown>) => {
  const added = await server.request('POST', '/_admin/v1/faults', { token: admin, body });
  assert.equal(added.status, 201, added.text);
  return added.json as { id: string } & Record<string, unknown>;
};

/** A POST of one event with fetch, as a client sends it (no retry). */
const postEvent = (id: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${API}/events`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${server.accessToken}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(event(id)),
  });

const stored = async (id: string) => (await server.request('GET', `${API}/events/${template}/${id}`)).status;

/** The journal's newest entry of a POST (the reads that check what is stored come after it). */
const lastPost = async () =>
  (await server.request('GET', '/_admin/v1/requests?method=POST&limit=1', { token: admin })).json.results[0];

/** The code of the network error under a fetch failure (`ECONNRESET`, `UND_ERR_SOCKET`). */
async function networkError(pending: Promise<unknown>): Promise<string> {
  try {
    await pending;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).name;
  }
  assert.fail('the request was expected to fail at the network level');
}

describe('faults after the route: stored, answer lost', () => {
  it('503 after: the event is stored, the client gets HubSpot 503, the journal says stored', async () => {
    const fault = await addFault({
      match: { method: 'POST', path: `${API}/events` },
      when: 'after',
      status: 503,
      times: 1,
    });
    const response = await postEvent('after-503');
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { category: string }).category, 'SERVICE_UNAVAILABLE');
    assert.equal(await stored('after-503'), 200, 'stored although the answer said 503');
    const entry = await lastPost();
    assert.equal(entry.status, 503);
    assert.equal(entry.routeStatus, 201);
    assert.equal(entry.stored, true);
    assert.deepEqual(entry.storedEventIds, ['after-503']);
    assert.equal(entry.faultId, fault.id);
    assert.equal(JSON.parse(entry.responseBody).category, 'SERVICE_UNAVAILABLE');
  });

  it('the official client retries a 502 after the write: the retry gets the stored event, which exists once', async () => {
    await addFault({
      match: { method: 'POST', path: `${API}/events` },
      when: 'after',
      status: 502,
      times: 1,
    });
    const client = new Client({
      basePath: server.url,
      accessToken: server.accessToken,
      numberOfApiCallRetries: 2,
    });
    const error = console.error;
    console.error = () => {}; // the client announces each retry
    let createdId = '';
    try {
      createdId = (await client.crm.timeline.eventsApi.create(event('retried'))).id;
    } finally {
      console.error = error;
    }
    // The first attempt stored the event and lost its answer; the retry, with the same id, is
    // answered with the event stored then (a v3 create with a given id is idempotent).
    assert.equal(createdId, 'retried');
    assert.equal(await stored('retried'), 200);
    const statuses = (
      await server.request('GET', `/_admin/v1/requests?path=${API}/events&method=POST`, { token: admin })
    ).json.results.map((e: { status: number; stored?: boolean }) => [e.status, e.stored ?? false]);
    assert.deepEqual(statuses, [
      [201, false],
      [502, true],
    ]);
  });

  it('a delay after: the answer is held back, the event already stored while the client waits', async () => {
    await addFault({ match: { path: `${API}/events` }, when: 'after', delayMs: 600, times: 1 });
    const started = Date.now();
    const pending = postEvent('held-back');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await stored('held-back'), 200, 'stored before the answer left');
    const response = await pending;
    assert.equal(response.status, 201);
    assert.ok(Date.now() - started >= 590, 'the answer waited');
  });
});

describe('a client that times out while the answer is held back', () => {
  it('gives up; the event is stored all the same, and the journal says so with status 0', async () => {
    await addFault({ match: { path: `${API}/events` }, when: 'after', delayMs: 500, times: 1 });
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(`${server.url}${API}/events`, {
        method: 'POST',
        timeout: 100,
        headers: { authorization: `Bearer ${server.accessToken}`, 'content-type': 'application/json' },
      });
      req.on('response', () => resolve('answered'));
      req.on('timeout', () => {
        req.destroy();
        resolve('timed out');
      });
      req.on('error', () => {});
      req.end(JSON.stringify(event('timed-out')));
    });
    assert.equal(outcome, 'timed out');
    assert.equal(await stored('timed-out'), 200);
    const entry = await lastPost();
    assert.equal(entry.status, 0, 'the client got no answer');
    assert.equal(entry.routeStatus, 201);
    assert.equal(entry.stored, true);
    assert.deepEqual(entry.storedEventIds, ['timed-out']);
  });
});

describe('connection-level faults', () => {
  it('reset before the route: ECONNRESET and nothing stored; the journal shows status 0', async () => {
    await addFault({ match: { path: `${API}/events` }, action: 'reset', times: 1 });
    assert.equal(await networkError(postEvent('reset-before')), 'ECONNRESET');
    assert.equal(await stored('reset-before'), 404);
    const entry = await lastPost();
    assert.equal(entry.status, 0);
    assert.equal(entry.action, 'reset');
    assert.equal(entry.stored, undefined);
  });

  it('reset after the route: ECONNRESET, the event stored', async () => {
    await addFault({ match: { path: `${API}/events` }, action: 'reset', when: 'after', times: 1 });
    assert.equal(await networkError(postEvent('reset-after')), 'ECONNRESET');
    assert.equal(await stored('reset-after'), 200);
    const entry = await lastPost();
    assert.equal(entry.status, 0);
    assert.equal(entry.routeStatus, 201);
    assert.equal(entry.stored, true);
  });

  it('reset after a read: the journal keeps what the route answered, and says nothing was stored', async () => {
    await addFault({
      match: { method: 'GET', path: `${API}/events` },
      action: 'reset',
      when: 'after',
      times: 1,
    });
    assert.equal(
      await networkError(
        fetch(`${server.url}${API}/events/${template}/reset-after`, {
          headers: { authorization: `Bearer ${server.accessToken}` },
        }),
      ),
      'ECONNRESET',
    );
    const entry = (await server.request('GET', '/_admin/v1/requests?method=GET&limit=1', { token: admin }))
      .json.results[0];
    assert.equal(entry.action, 'reset');
    assert.equal(entry.routeStatus, 200);
    assert.equal(entry.stored, undefined);
  });

  it('close after the headers: the status arrives, the body never does', async () => {
    await addFault({
      match: { path: `${API}/events` },
      action: 'close-after-headers',
      when: 'after',
      times: 1,
    });
    const response = await postEvent('closed');
    assert.equal(response.status, 201);
    assert.ok(Number(response.headers.get('content-length')) > 0, 'the length of the whole body is promised');
    await assert.rejects(response.text(), 'reading the body fails');
    assert.equal(await stored('closed'), 200);
  });

  it('empty and truncate after: a complete answer whose JSON cannot be read', async () => {
    await addFault({ match: { path: `${API}/events` }, action: 'empty', when: 'after', times: 1 });
    const empty = await postEvent('emptied');
    assert.equal(empty.status, 201);
    assert.equal(await empty.text(), '');
    await addFault({ match: { path: `${API}/events` }, action: 'truncate', when: 'after', times: 1 });
    const cut = await postEvent('truncated');
    assert.equal(cut.status, 201);
    const text = await cut.text();
    assert.throws(() => JSON.parse(text), SyntaxError);
    assert.ok(text.startsWith('{"eventTemplateId"'), text);
    for (const id of ['emptied', 'truncated']) assert.equal(await stored(id), 200);
  });

  it('truncate before the route: half of HubSpot 503, nothing stored', async () => {
    const fault = await addFault({ match: { path: `${API}/events` }, action: 'truncate', times: 1 });
    assert.equal(fault.status, 503, 'the answer it cuts is shown');
    const response = await postEvent('cut-before');
    assert.equal(response.status, 503);
    const text = await response.text();
    assert.throws(() => JSON.parse(text), SyntaxError);
    assert.match(text, /^\{"status":"error"/);
    assert.equal(await stored('cut-before'), 404);
  });

  it('drip: the body arrives whole over delayMs; a client whose read timeout is shorter gives up', async () => {
    await addFault({
      match: { path: `${API}/events` },
      action: 'drip',
      when: 'after',
      delayMs: 1000,
      times: 1,
    });
    const started = Date.now();
    const response = await postEvent('dripped');
    assert.equal(response.status, 201);
    const body = (await response.json()) as { id: string };
    assert.equal(body.id, 'dripped');
    assert.ok(Date.now() - started >= 900, `took ${Date.now() - started} ms`);
    await addFault({
      match: { path: `${API}/events` },
      action: 'drip',
      when: 'after',
      delayMs: 2000,
      times: 1,
    });
    // node:http's timeout is a read timeout: no byte for that long fails the request.
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(
        `${server.url}${API}/events`,
        {
          method: 'POST',
          timeout: 100,
          headers: { authorization: `Bearer ${server.accessToken}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve('complete'));
          res.on('error', () => resolve('aborted'));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        resolve('timed out');
      });
      req.on('error', () => {});
      req.end(JSON.stringify(event('dripped-2')));
    });
    assert.equal(outcome, 'timed out');
    assert.equal(await stored('dripped-2'), 200);
  });
});

describe('the X-Timeline-Fault header', () => {
  it('answers 429, resets, or breaks after the route, on a server that allows it', async () => {
    const limited = await postEvent('header-429', { 'x-timeline-fault': '429' });
    assert.equal(limited.status, 429);
    assert.equal(((await limited.json()) as { policyName: string }).policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(
      await networkError(postEvent('header-reset', { 'x-timeline-fault': 'reset' })),
      'ECONNRESET',
    );
    const after503 = await postEvent('header-after', { 'x-timeline-fault': '503;when=after' });
    assert.equal(after503.status, 503);
    assert.equal(await stored('header-429'), 404);
    assert.equal(await stored('header-reset'), 404);
    assert.equal(await stored('header-after'), 200);
    const entry = (await server.request('GET', '/_admin/v1/requests?method=POST&limit=1', { token: admin }))
      .json.results[0];
    assert.equal(entry.faultHeader, '503;when=after');
    assert.equal(entry.stored, true);
  });

  it('a header that is not a fault is a 400 naming it', async () => {
    for (const value of ['418', 'explode', '503;when=later', 'reset;status=503', '503;delayMs=-1']) {
      const response = await postEvent('bad-header', { 'x-timeline-fault': value });
      assert.equal(response.status, 400, value);
      const body = (await response.json()) as { errors: { in: string; message: string }[] };
      assert.equal(body.errors[0]?.in, 'X-Timeline-Fault', value);
      assert.match(body.errors[0]?.message ?? '', /^X-Timeline-Fault: /);
    }
    assert.equal(await stored('bad-header'), 404);
  });

  it('is ignored by a server that has not opted in', async () => {
    const plain = await startTestServer();
    try {
      const id = await createTemplate(plain);
      const response = await plain.request('POST', `${API}/events`, {
        body: { ...event('ignored'), eventTemplateId: id },
        headers: { 'x-timeline-fault': 'reset' },
      });
      assert.equal(response.status, 201);
    } finally {
      await plain.close();
    }
  });
});

describe('fault rules', () => {
  it('refuses what a kind cannot do and fields it does not take, naming each', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ action: 'reset', status: 503 }, 'status', /a reset sends no answer/],
      [{ action: 'explode' }, 'action', /must be one of reset, close-after-headers, empty, truncate, drip/],
      [{ status: 503, when: 'later' }, 'when', /must be one of before, after/],
      [{ status: 503, sttaus: 1 }, 'sttaus', /is not a field this takes; use match, when, status/],
      [{ match: { path: '/x' } }, 'status', /^give status, action or delayMs$/],
      [{ action: 'drip', delayMs: 1_000_000 }, 'delayMs', /must be at most 120000/],
    ];
    for (const [body, field, message] of cases) {
      const response = await server.request('POST', '/_admin/v1/faults', { token: admin, body });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.json.errors[0].in, field, JSON.stringify(body));
      assert.match(response.json.errors[0].message, message);
    }
  });

  it('an action with a probability fires for the same requests under the same seed', async () => {
    const run = async () => {
      await server.request('DELETE', '/_admin/v1/faults', { token: admin });
      await addFault({ match: { path: '/crm/v3/objects/*' }, action: 'empty', probability: 0.5, seed: 7 });
      const bodies: string[] = [];
      for (let i = 0; i < 12; i++)
        bodies.push((await server.request('GET', '/crm/v3/objects/contacts')).text);
      return bodies.map((text) => (text === '' ? 'empty' : 'whole'));
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes('empty') && first.includes('whole'), first.join(','));
  });
});

describe('the journal keeps what HubSpot answered', () => {
  it('a 207 keeps its body with the errors first, and the ids of the events it stored', async () => {
    const inputs = [
      event('batch-ok'),
      { ...event('batch-bad'), tokens: { webinarName: 'x', seats: 'many' } },
    ];
    for (let i = 0; i < 40; i++)
      inputs.push({ ...event(`batch-${i}`), extraData: { pad: 'x'.repeat(200) } } as never);
    const response = await server.request('POST', `${API}/events/batch/create`, { body: { inputs } });
    assert.equal(response.status, 207, response.text);
    const entry = await lastPost();
    assert.equal(entry.status, 207);
    assert.equal(entry.truncated, true, 'the 207 is longer than the journal keeps');
    assert.match(entry.responseBody, /^\{"status":"COMPLETE","numErrors":1,"errors":\[/);
    assert.equal(entry.storedEventIds.length, 41);
    assert.ok(entry.storedEventIds.includes('batch-ok') && !entry.storedEventIds.includes('batch-bad'));
  });

  it('a plain success keeps no answer body', async () => {
    await server.request('GET', '/crm/v3/objects/contacts');
    const entry = (await server.request('GET', '/_admin/v1/requests?limit=1', { token: admin })).json
      .results[0];
    assert.equal(entry.status, 200);
    assert.equal(entry.responseBody, undefined);
    assert.equal(entry.storedEventIds, undefined);
  });
});
