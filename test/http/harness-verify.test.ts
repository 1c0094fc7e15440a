/**
 * Verification over the request journal: `GET /_admin/v1/requests/count`, and from code
 * `server.countRequests`, `server.expectRequests` (with the message a test author reads when the
 * count is wrong) and `server.waitForRequest`; the clock and fault methods of the package's API.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTimelineServer, type TimelineServer } from '../../src/index.js';
import { testDatabase } from '../helpers/test-server.js';

let server: TimelineServer;
const unique = Number(`7${process.pid}`);

before(async () => {
  server = await startTimelineServer({
    db: testDatabase(),
    portalId: unique,
    appId: unique + 1,
    accessToken: `verify-${unique}`,
    developerApiKey: `verify-key-${unique}`,
    rateLimit: 'off',
  });
});
after(() => server.close());
beforeEach(() => server.reset());

const contacts = (init: RequestInit = {}) =>
  fetch(`${server.url}/crm/v3/objects/contacts`, {
    ...init,
    headers: { authorization: `Bearer ${server.accessToken}`, 'content-type': 'application/json' },
  });
const create = (email: string) =>
  contacts({ method: 'POST', body: JSON.stringify({ properties: { email } }) }).then((r) => r.status);

describe('GET /_admin/v1/requests/count', () => {
  it('counts the journal entries that match path, method and status', async () => {
    assert.equal(await create('a@example.com'), 201);
    assert.equal(await create('a@example.com'), 409);
    await contacts();
    const count = async (query: string) => {
      const response = await fetch(`${server.url}/_admin/v1/requests/count?${query}`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      assert.equal(response.status, 200);
      return ((await response.json()) as { count: number }).count;
    };
    assert.equal(await count(''), 3);
    assert.equal(await count('path=/crm/v3/objects/contacts&method=post'), 2);
    assert.equal(await count('method=POST&status=201'), 1);
    assert.equal(await count('path=/crm/v3/objects/*&status=200'), 1);
    assert.equal(await count('path=/integrators'), 0);
    const bad = await fetch(`${server.url}/_admin/v1/requests/count?status=abc`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    assert.equal(bad.status, 400);
    assert.equal(server.countRequests({ method: 'POST' }), 2);
  });
});

describe('server.expectRequests', () => {
  it('answers the matching requests when the count is right', async () => {
    await create('b@example.com');
    const [entry] = server.expectRequests({
      path: '/crm/v3/objects/contacts',
      method: 'POST',
      status: 201,
      count: 1,
    });
    assert.equal(JSON.parse(entry?.requestBody ?? '{}').properties.email, 'b@example.com');
    server.expectRequests({ method: 'POST', atLeast: 1, atMost: 1 });
    server.expectRequests({ method: 'DELETE', count: 0 });
  });

  it('throws what was expected beside the closest requests seen, and what differs in each', async () => {
    await create('c@example.com');
    await create('c@example.com');
    await contacts();
    assert.throws(
      () =>
        server.expectRequests({ path: '/crm/v3/objects/contacts', method: 'POST', status: 201, count: 2 }),
      (error: Error) => {
        assert.equal(error.name, 'AssertionError');
        const lines = error.message.split('\n');
        assert.equal(
          lines[0],
          'Expected exactly 2 requests matching POST /crm/v3/objects/contacts status 201; the journal has 1.',
        );
        assert.equal(lines[1], 'Closest requests seen (fewest differences first):');
        assert.equal(lines[2], '  POST /crm/v3/objects/contacts → 201  (matches)');
        assert.equal(lines[3], '  POST /crm/v3/objects/contacts → 409  (status 409, not 201)');
        assert.equal(
          lines[4],
          '  GET /crm/v3/objects/contacts → 200  (method GET, not POST; status 200, not 201)',
        );
        assert.match(lines.at(-1) ?? '', /keeps the last 1000 requests; it holds 3/);
        return true;
      },
    );
    assert.throws(
      () => server.expectRequests({ path: '/integrators/**' }),
      /Expected at least 1 request matching/,
    );
    assert.throws(
      () => server.expectRequests({ method: 'POST', atMost: 1 }),
      /Expected at most 1 request matching/,
    );
  });

  it('refuses an expectation it cannot check, naming the field', () => {
    assert.throws(() => server.expectRequests({ count: 1, atLeast: 1 }), /give count, or atLeast and atMost/);
    assert.throws(
      () => server.expectRequests({ path: 'no-slash' } as never),
      (error: Error & { details?: { in: string }[] }) => {
        assert.equal(error.details?.[0]?.in, 'path');
        return true;
      },
    );
  });
});

describe('server.waitForRequest', () => {
  it('resolves when the request arrives, with its entry, instead of a sleep', async () => {
    const waiting = server.waitForRequest(
      { path: '/crm/v3/objects/contacts', method: 'POST' },
      { timeoutMs: 5000 },
    );
    setTimeout(() => void create('d@example.com'), 50);
    const entry = await waiting;
    assert.equal(entry.status, 201);
    const again = await server.waitForRequest({ method: 'POST' });
    assert.equal(again.correlationId, entry.correlationId, 'one already in the journal counts');
  });

  it('waits for a count, and times out with what was seen', async () => {
    await create('e@example.com');
    const second = server.waitForRequest({ method: 'POST', atLeast: 2 }, { timeoutMs: 3000 });
    setTimeout(() => void create('f@example.com'), 50);
    assert.equal(JSON.parse((await second).requestBody ?? '{}').properties.email, 'f@example.com');
    const started = Date.now();
    await assert.rejects(server.waitForRequest({ method: 'DELETE' }, { timeoutMs: 200 }), (error: Error) => {
      assert.match(
        error.message,
        /^Waited 200 ms for a request matching DELETE any path; the journal has 0\./,
      );
      assert.match(error.message, /POST \/crm\/v3\/objects\/contacts → 201 {2}\(method POST, not DELETE\)/);
      return true;
    });
    assert.ok(Date.now() - started < 2000);
  });
});

describe('the clock and faults from code', () => {
  it('freezes, sets, advances, resumes and resets, as the admin API does', () => {
    const frozen = server.freezeClock();
    assert.equal(frozen.frozen, true);
    assert.equal(server.setClock('2040-02-29T00:00:00Z').now, '2040-02-29T00:00:00.000Z');
    assert.equal(server.advanceClock(1500).now, '2040-02-29T00:00:01.500Z');
    assert.equal(server.setClock(new Date(Date.UTC(2040, 0, 1))).now, '2040-01-01T00:00:00.000Z');
    assert.equal(server.clock().frozen, true);
    assert.equal(server.resumeClock().frozen, false);
    assert.throws(() => server.setClock('not a time'), /instant must be an instant/);
    assert.throws(() => server.advanceClock(-1), RangeError);
    const real = server.resetClock();
    assert.equal(real.frozen, false);
    assert.ok(Math.abs(real.offsetMs) < 1000);
  });

  it('addFault checks its input as the admin API does; removeFault removes one', async () => {
    assert.throws(() => server.addFault({ action: 'reset', status: 503 }), /a reset sends no answer/);
    assert.throws(() => server.addFault({ times: 1 } as never), /give status, action or delayMs/);
    const fault = server.addFault({
      match: { path: '/crm/v3/objects/contacts' },
      status: 503,
      when: 'after',
    });
    assert.equal(fault.when, 'after');
    assert.equal(await create('g@example.com'), 503);
    assert.equal(server.removeFault(fault.id), true);
    assert.equal(server.removeFault(fault.id), false);
    assert.equal(await create('g@example.com'), 409, 'the first attempt was stored');
  });
});
