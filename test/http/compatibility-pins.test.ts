/**
 * Behaviour docs/compatibility.md states that no other suite pins, over raw HTTP.
 *
 * `x-should-retry`: HubSpot's new TypeScript SDK obeys that answer header and, without it, retries
 * 408, 409, 429 and 5xx. No HubSpot source shows its gateway sending the header, so this server sends
 * none: the SDK treats its 409s and 400s as it would HubSpot's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

let server: TestServer;
let templateId: string;
let appEventType: string;
const [V3] = PREFIXES;

before(async () => {
  server = await startTestServer({ adminToken: 'admin-secret' });
  templateId = await createTemplate(server, {
    name: 'Pins',
    objectType: 'contacts',
    headerTemplate: 'Pinned {{plan}}',
    tokens: [{ name: 'plan', label: 'Plan', type: 'string' }],
  });
  const created = await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
    token: 'admin-secret',
    body: hsmeta({ uid: 'pins' }),
  });
  assert.equal(created.status, 201, created.text);
  appEventType = created.json.fullyQualifiedName;
});
after(() => server.close());

const tokensPath = () =>
  `${V3}/${server.appId}/event-templates/${templateId}/tokens?hapikey=${server.apiKey}`;

describe('compatibility pins', () => {
  it('a 409 and a 400 carry no x-should-retry header (none is known from HubSpot)', async () => {
    const token = { name: 'seats', label: 'Seats', type: 'number' };
    assert.equal((await server.request('POST', tokensPath(), { body: token, token: false })).status, 200);
    const duplicateToken = await server.request('POST', tokensPath(), { body: token, token: false });
    assert.equal(duplicateToken.status, 409, duplicateToken.text);

    const occurrence = {
      eventTypeName: appEventType,
      id: 'pinned-once',
      email: 'pins@example.com',
      properties: { courseName: 'Algebra' },
    };
    const first = await server.request('POST', '/integrators/timeline/2026-03/events', { body: occurrence });
    assert.equal(first.status, 200, first.text);
    const usedOccurrenceId = await server.request('POST', '/integrators/timeline/2026-03/events', {
      body: occurrence,
    });
    assert.equal(usedOccurrenceId.status, 409, usedOccurrenceId.text);

    const contact = { properties: { email: 'exists@example.com' } };
    assert.equal((await server.request('POST', '/crm/v3/objects/contacts', { body: contact })).status, 201);
    const existingContact = await server.request('POST', '/crm/v3/objects/contacts', { body: contact });
    assert.equal(existingContact.status, 409, existingContact.text);

    const badToken = await server.request('POST', `${V3}/events`, {
      body: { eventTemplateId: templateId, email: 'pins@example.com', tokens: { undeclared: 'x' } },
    });
    assert.equal(badToken.status, 400, badToken.text);

    for (const answer of [duplicateToken, usedOccurrenceId, existingContact, badToken]) {
      assert.equal(answer.headers.get('x-should-retry'), null, answer.text);
    }
  });
});

describe('v3 event input', () => {
  it('an event without an id gets a version 7 UUID (the newest v3 spec requires id)', async () => {
    const sent = await server.request('POST', `${V3}/events`, {
      body: { eventTemplateId: templateId, email: 'no-id@example.com', tokens: { plan: 'pro' } },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.match(sent.json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('extraData that is not an object is taken and echoed (the newest v3 spec types it as an object)', async () => {
    for (const [id, extraData] of [
      ['extra-list', [1, 'two']],
      ['extra-text', 'just text'],
      ['extra-number', 42],
    ] as const) {
      const sent = await server.request('POST', `${V3}/events`, {
        body: {
          eventTemplateId: templateId,
          id,
          email: 'extra@example.com',
          tokens: { plan: 'pro' },
          extraData,
        },
      });
      assert.equal(sent.status, 201, sent.text);
      assert.deepEqual(sent.json.extraData, extraData);
      assert.deepEqual(
        (await server.request('GET', `${V3}/events/${templateId}/${id}`)).json.extraData,
        extraData,
      );
    }
  });

  it('an empty event id is refused, naming id', async () => {
    const sent = await server.request('POST', `${V3}/events`, {
      body: { eventTemplateId: templateId, id: '', email: 'empty-id@example.com', tokens: { plan: 'pro' } },
    });
    assert.equal(sent.status, 400, sent.text);
    assert.equal(sent.json.errors[0].in, 'id');
  });

  it("customObjectTypeId of an event input is not read: the answer's comes from the template", async () => {
    const sent = await server.request('POST', `${V3}/events`, {
      body: {
        eventTemplateId: templateId,
        id: 'typed',
        email: 'typed@example.com',
        customObjectTypeId: '2-999',
        tokens: { plan: 'pro' },
      },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.json.customObjectTypeId, undefined, sent.text);
  });
});

describe('archived templates', () => {
  it('archiving a template deletes it: its events are then answered 404', async () => {
    const archived = await createTemplate(server, {
      name: 'Short-lived',
      objectType: 'contacts',
      headerTemplate: 'Gone',
      tokens: [],
    });
    const sent = await server.request('POST', `${V3}/events`, {
      body: { eventTemplateId: archived, id: 'orphan', email: 'orphan@example.com', tokens: {} },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.equal((await server.request('GET', `${V3}/events/${archived}/orphan`)).status, 200);
    const deleted = await server.request(
      'DELETE',
      `${V3}/${server.appId}/event-templates/${archived}?hapikey=${server.apiKey}`,
      { token: false },
    );
    assert.equal(deleted.status, 204, deleted.text);
    for (const path of ['', '/render', '/detail']) {
      const read = await server.request('GET', `${V3}/events/${archived}/orphan${path}`);
      assert.equal(read.status, 404, `${path}: ${read.text}`);
    }
  });
});

describe('app event occurrences', () => {
  it('extraData of an occurrence must be an object: anything else is a 400 naming it', async () => {
    const sent = await server.request('POST', '/integrators/timeline/2026-03/events', {
      body: {
        eventTypeName: appEventType,
        id: 'extra-list',
        email: 'occurrence-extra@example.com',
        properties: { courseName: 'Algebra' },
        extraData: [1, 'two'],
      },
    });
    assert.equal(sent.status, 400, sent.text);
    assert.ok(
      sent.json.errors.some((e: { in: string }) => e.in === 'extraData'),
      sent.text,
    );
  });
});

describe('template context', () => {
  it('{{objectId}}, {{email}}, {{utk}} and {{eventTemplateId}} are not in it: they render empty', async () => {
    const shown = await createTemplate(server, {
      name: 'Context',
      objectType: 'contacts',
      headerTemplate: 'a[{{objectId}}] b[{{email}}] c[{{utk}}] d[{{eventTemplateId}}] e[{{id}}]',
      tokens: [],
    });
    const sent = await server.request('POST', `${V3}/events`, {
      body: { eventTemplateId: shown, id: 'ctx', email: 'ctx@example.com', utk: 'utk-ctx', tokens: {} },
    });
    assert.equal(sent.status, 201, sent.text);
    const html = await server.request('GET', `${V3}/events/${shown}/ctx/render`);
    assert.equal(html.text.trim(), '<p>a[] b[] c[] d[] e[ctx]</p>');
  });
});
