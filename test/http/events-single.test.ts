/** Operations 2 and 3: single create and get; ids, idempotency, limits, credentials, tenants. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scopesFor, V3 as V3Version } from '../../src/domain/api-versions.js';
import { hashSecret } from '../../src/domain/credentials/secrets.js';
import { errorMessage } from '../../src/errors.js';
import { createTemplate, otherPortalToken, PREFIXES, storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertMissingScopes } from './template-helpers.js';

let server: TestServer;
let templateId: string;
const [V3, LEGACY] = PREFIXES;

before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server);
});
after(() => server.close());

const create = (body: unknown, prefix: string = V3, token?: string | false) =>
  server.request('POST', `${prefix}/events`, { body, token });

describe('single create and get', () => {
  for (const prefix of PREFIXES) {
    it(`creates with 201 and reads back with 200 under ${prefix}`, async () => {
      const id = `single-${prefix.length}`;
      const created = await create(
        { eventTemplateId: templateId, id, email: 'single@example.com', tokens: { seats: 4 } },
        prefix,
      );
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.id, id);
      assert.deepEqual(created.json.tokens, { seats: '4' });
      const read = await server.request('GET', `${prefix}/events/${templateId}/${id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.json, created.json);
    });
  }

  it('answers a rule failure of the single create as a 400 naming the field and value', async () => {
    const response = await create({
      eventTemplateId: templateId,
      email: 'x@example.com',
      tokens: { tier: 'platinum' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.category, 'VALIDATION_ERROR');
    assert.match(response.json.message, /tier.*platinum/);
    assert.equal(response.json.errors[0].in, 'tokens.tier');
  });

  it('answers 404 for an unknown event, and for a percent-encoded id that was never stored', async () => {
    const response = await server.request('GET', `${V3}/events/${templateId}/no-such-event`);
    assert.equal(response.status, 404);
    assert.equal(
      response.json.message,
      errorMessage('EVENT_NOT_FOUND', { id: 'no-such-event', eventTemplateId: templateId }),
    );
    assert.equal((await server.request('GET', `${V3}/events/${templateId}/a%2Fb`)).status, 404);
  });

  it('reads an id holding reserved characters through percent-encoding', async () => {
    const id = 'order/42?x=1 #é';
    assert.equal(
      (await create({ eventTemplateId: templateId, id, email: 'enc@example.com', tokens: {} })).status,
      201,
    );
    const read = await server.request('GET', `${V3}/events/${templateId}/${encodeURIComponent(id)}`);
    assert.equal(read.status, 200);
    assert.equal(read.json.id, id);
  });
});

describe('event ids', () => {
  it('replaces {{uuid}} with a fresh UUID', async () => {
    const a = await create({
      eventTemplateId: templateId,
      id: 'visit-{{uuid}}',
      email: 'u@example.com',
      tokens: {},
    });
    const b = await create({
      eventTemplateId: templateId,
      id: 'visit-{{uuid}}',
      email: 'u@example.com',
      tokens: {},
    });
    assert.equal(a.status, 201);
    assert.match(a.json.id, /^visit-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a.json.id, b.json.id);
  });

  it('treats the identical event sent again as an idempotent success', async () => {
    const event = {
      eventTemplateId: templateId,
      id: 'idem-1',
      email: 'idem@example.com',
      tokens: { seats: 1 },
      extraData: { a: [1, 2] },
    };
    const first = await create(event);
    const again = await create({ ...event, extraData: { a: [1, 2] } });
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.json, first.json, 'the stored event is answered');
    const inBatch = await server.request('POST', `${V3}/events/batch/create`, { body: { inputs: [event] } });
    assert.equal(inBatch.status, 201);
    assert.deepEqual(inBatch.json.results[0], first.json);
  });

  it('rejects the same id with different content', async () => {
    await create({
      eventTemplateId: templateId,
      id: 'taken-1',
      email: 'taken@example.com',
      tokens: { seats: 1 },
    });
    const response = await create({
      eventTemplateId: templateId,
      id: 'taken-1',
      email: 'taken@example.com',
      tokens: { seats: 2 },
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.message, 'Event ID already in use, please choose a new unique ID');
    assert.equal(response.json.errors[0].in, 'id');
    const stored = await server.request('GET', `${V3}/events/${templateId}/taken-1`);
    assert.equal(stored.json.tokens.seats, '1', 'the first event is unchanged');
  });

  it('rejects an id over 500 bytes and accepts one of exactly 500', async () => {
    const long = await create({
      eventTemplateId: templateId,
      id: 'é'.repeat(251),
      email: 'long@example.com',
      tokens: {},
    });
    assert.equal(long.status, 400);
    assert.equal(long.json.errors[0].in, 'id');
    assert.match(long.json.message, /502 bytes/);
    const exact = await create({
      eventTemplateId: templateId,
      id: 'x'.repeat(500),
      email: 'long@example.com',
      tokens: {},
    });
    assert.equal(exact.status, 201);
  });
});

describe('size limits', () => {
  it('rejects a token value over 510 KB', async () => {
    const response = await create({
      eventTemplateId: templateId,
      email: 'big@example.com',
      tokens: { webinarName: 'x'.repeat(510 * 1024 + 1) },
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].in, 'tokens.webinarName');
  });

  it('rejects an event over 1 MB with HubSpot message', async () => {
    const response = await create({
      eventTemplateId: templateId,
      id: 'huge',
      email: 'big@example.com',
      tokens: { webinarName: 'x'.repeat(500 * 1024) },
      extraData: { blob: 'y'.repeat(600 * 1024) },
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.message, 'Event huge failed with validation error(s)');
    assert.equal((await server.request('GET', `${V3}/events/${templateId}/huge`)).status, 404);
  });
});

describe('credentials and tenants', () => {
  it('answers 401 without a token and with an unknown one', async () => {
    const none = await create({ eventTemplateId: templateId, email: 'a@example.com', tokens: {} }, V3, false);
    assert.equal(none.status, 401);
    assert.equal(none.json.category, 'INVALID_AUTHENTICATION');
    const unknown = await create(
      { eventTemplateId: templateId, email: 'a@example.com', tokens: {} },
      LEGACY,
      'nope',
    );
    assert.equal(unknown.status, 401);
    const read = await server.request('GET', `${V3}/events/${templateId}/x`, { token: false });
    assert.equal(read.status, 401);
  });

  it('answers 403 MISSING_SCOPES to a token without the timeline scope', async () => {
    await server.store.ensureAccessToken(
      storedToken({
        token: 'read-only',
        portalId: server.portalId,
        appId: server.appId,
        scopes: ['oauth'],
      }),
    );
    const response = await create(
      { eventTemplateId: templateId, email: 'a@example.com', tokens: {} },
      V3,
      'read-only',
    );
    assert.equal(response.status, 403);
    assert.equal(response.json.category, 'MISSING_SCOPES');
    // Changed: HubSpot's body names the scope in errors[0].context.requiredGranularScopes.
    assertMissingScopes(response, [...scopesFor(V3Version, 'events.write')]);
  });

  it('hides events of one portal from another portal', async () => {
    await otherPortalToken(server, 424242, 'other-portal');
    const mine = await create({
      eventTemplateId: templateId,
      id: 'tenant-1',
      email: 'tenant@example.com',
      tokens: {},
    });
    assert.equal(mine.status, 201);
    const theirs = await server.request('GET', `${V3}/events/${templateId}/tenant-1`, {
      token: 'other-portal',
    });
    assert.equal(theirs.status, 404);
    // The same id is free in the other portal, and its contact is another record.
    const other = await create(
      { eventTemplateId: templateId, id: 'tenant-1', email: 'tenant@example.com', tokens: { seats: 9 } },
      V3,
      'other-portal',
    );
    assert.equal(other.status, 201);
    assert.notEqual(other.json.objectId, mine.json.objectId);
    const contact = await server.request('GET', `/crm/v3/objects/contacts/${mine.json.objectId}`, {
      token: 'other-portal',
    });
    assert.equal(contact.status, 404);
  });

  it('rejects a template of another app', async () => {
    const account = await server.store.ensureDeveloperAccount(hashSecret('second-developer'));
    await server.store.ensureApp({ id: 777001, developerAccountId: account.id });
    const foreign = await createTemplate(server, { name: 'Foreign', tokens: [] }, 777001, 'second-developer');
    const response = await create({ eventTemplateId: foreign, email: 'f@example.com', tokens: {} });
    assert.equal(response.status, 400);
    assert.equal(
      response.json.message,
      errorMessage('EVENT_TEMPLATE_UNKNOWN', { eventTemplateId: foreign, appId: server.appId }),
    );
  });
});
