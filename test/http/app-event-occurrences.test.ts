/** App event occurrences over HTTP: single, batch all or nothing, scopes. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

let server: TestServer;
let fqn: string;
let typeId: string;
before(async () => {
  server = await startTestServer({ adminToken: 'admin-secret' });
  const created = await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
    token: 'admin-secret',
    body: hsmeta(),
  });
  fqn = created.json.fullyQualifiedName;
  typeId = created.json.eventTemplateId;
});
after(() => server.close());

let counter = 0;
function occurrence(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    eventTypeName: fqn,
    id: `occ-${counter}`,
    email: `person${counter}@example.com`,
    properties: { courseName: 'Algebra', seats: '3', format: 'live', startsOn: '2026-04-01' },
    ...overrides,
  };
}

async function tokenWith(scopes: string[]): Promise<string> {
  const made = await server.request('POST', '/_admin/v1/access-tokens', {
    token: 'admin-secret',
    body: { portalId: server.portalId, appId: server.appId, scopes },
  });
  return made.json.token;
}

describe('the 1 MB limit of one occurrence', () => {
  test('a batch holding an occurrence over 1 MB stores none and names it; under the limit it is stored', async () => {
    const over = occurrence({ extraData: { notes: 'x'.repeat(1024 * 1024) } });
    const refused = await server.request('POST', '/integrators/timeline/v4/events/batch', {
      body: { inputs: [occurrence(), over] },
    });
    assert.equal(refused.status, 400, refused.text.slice(0, 500));
    const detail = refused.json.errors.find((e: { code: string }) => e.code === 'TOO_LARGE');
    assert.deepEqual(detail?.context.inputIndex, ['1']);
    assert.match(detail?.message, /^The occurrence is \d+ bytes; the limit is 1048576$/);
    const stored = await server.request('POST', '/integrators/timeline/v4/events/batch', {
      body: { inputs: [occurrence({ extraData: { notes: 'x'.repeat(1000) } })] },
    });
    assert.equal(stored.status, 200, stored.text.slice(0, 500));
  });
});

describe('POST /integrators/timeline/{version}/events', () => {
  test('answers 200 with an empty body under every version, by fully qualified name or uid', async () => {
    for (const version of ['v4', '2026-03', '2026-09']) {
      for (const eventTypeName of [fqn, 'course_enrollment']) {
        const sent = await server.request('POST', `/integrators/timeline/${version}/events`, {
          body: occurrence({ eventTypeName }),
        });
        assert.equal(sent.status, 200, sent.text);
        assert.equal(sent.text, '');
      }
    }
  });

  test("objectTypeFullyQualifiedName may name the type's own standard object in each of HubSpot's forms", async () => {
    for (const version of ['v4', '2026-03', '2026-09']) {
      for (const name of ['0-1', 'contacts', 'contact', 'CONTACT', 'Contacts']) {
        const single = await server.request('POST', `/integrators/timeline/${version}/events`, {
          body: occurrence({ objectTypeFullyQualifiedName: name }),
        });
        assert.equal(single.status, 200, `${version} ${name}: ${single.text}`);
        const email = `named-${version}-${name}@example.com`;
        const batch = await server.request('POST', `/integrators/timeline/${version}/events/batch`, {
          body: { inputs: [occurrence({ objectTypeFullyQualifiedName: name, email })] },
        });
        assert.equal(batch.status, 200, `${version} ${name}: ${batch.text}`);
        const stored = batch.json.results[0];
        const record = await server.request(
          'GET',
          `/crm/v3/objects/contacts/${stored.objectId}?properties=email`,
        );
        assert.equal(record.json.properties.email, email.toLowerCase());
      }
    }
  });

  test('an id already used by that type is a 409, even with the same content (occurrences are immutable)', async () => {
    const body = occurrence();
    assert.equal((await server.request('POST', '/integrators/timeline/v4/events', { body })).status, 200);
    const again = await server.request('POST', '/integrators/timeline/v4/events', { body });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.json.category, 'CONFLICT');
    assert.equal(
      again.json.message,
      'An occurrence for this event type and occurrence ID already exists. Occurrences are immutable.',
    );
  });

  test('each rule of an occurrence is a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ eventTypeName: undefined }, 'eventTypeName', /required/],
      [{ eventTypeName: 'no_such_type' }, 'eventTypeName', /No app event type 'no_such_type'/],
      [{ id: undefined }, 'id', /required/],
      [{ properties: undefined }, 'properties', /required/],
      [{ properties: { undeclared: 'x' } }, 'properties.undeclared', /not a property of event type/],
      [{ properties: { format: 'hybrid' } }, 'properties.format', /must be one of 'live', 'recorded'/],
      [{ properties: { seats: 'three' } }, 'properties.seats', /must be a number/],
      [{ properties: { startsOn: 'next week' } }, 'properties.startsOn', /must be a date/],
      [{ properties: { seats: 3 } }, 'properties.seats', /must be a string, got 3/],
      [
        { objectTypeFullyQualifiedName: '2-123' },
        'objectTypeFullyQualifiedName',
        /not this event type's object type 'contacts'/,
      ],
      [
        { objectTypeFullyQualifiedName: '0-2' },
        'objectTypeFullyQualifiedName',
        /not this event type's object type/,
      ],
      [
        { objectTypeFullyQualifiedName: 'companies' },
        'objectTypeFullyQualifiedName',
        /not this event type's object type/,
      ],
      [{ objectTypeFullyQualifiedName: 7 }, 'objectTypeFullyQualifiedName', /7 is not this event type's/],
      [{ timestamp: 'yesterday' }, 'timestamp', /ISO-8601/],
      [{ timelineIFrame: { url: 'https://x' } }, 'timelineIFrame.linkLabel', /must be a string/],
      [{ email: undefined, objectId: undefined }, 'objectId', /objectId, utk or email/],
      [{ email: undefined, objectId: '987654321' }, 'objectId', /No contacts record/],
    ];
    for (const [overrides, field, message] of cases) {
      const sent = await server.request('POST', '/integrators/timeline/2026-03/events', {
        body: occurrence(overrides),
      });
      assert.equal(sent.status, 400, `${field}: ${sent.text}`);
      const detail = sent.json.errors.find((e: { in: string }) => e.in === field);
      assert.ok(detail, `${field} not named in ${sent.text}`);
      assert.match(detail.message, message);
    }
  });

  test('v3 GET /events/{templateId}/{eventId} does not see an occurrence', async () => {
    const body = occurrence();
    await server.request('POST', '/integrators/timeline/v4/events', { body });
    const read = await server.request('GET', `/integrators/timeline/v3/events/${typeId}/${body.id}`);
    assert.equal(read.status, 404);
  });

  test('scopes: timeline or a CRM write scope for v4 and 2026-03, timeline-write for 2026-09', async () => {
    const timeline = await tokenWith(['timeline']);
    const timelineWrite = await tokenWith(['timeline-write']);
    const crmWrite = await tokenWith(['crm.objects.contacts.write']);
    const send = async (version: string, token: string) =>
      (await server.request('POST', `/integrators/timeline/${version}/events`, { token, body: occurrence() }))
        .status;
    assert.equal(await send('v4', timeline), 200);
    assert.equal(await send('2026-03', timeline), 200);
    assert.equal(await send('2026-09', timeline), 403);
    assert.equal(await send('v4', timelineWrite), 403);
    assert.equal(await send('2026-09', timelineWrite), 200);
    assert.equal(await send('2026-09', crmWrite), 200);
    assert.equal(await send('v4', crmWrite), 200);
  });
});

describe('POST /integrators/timeline/{version}/events/batch', () => {
  test('200 with the batch response; the occurrences land on the resolved records', async () => {
    const inputs = [occurrence({ email: 'batch@example.com' }), occurrence({ email: 'batch@example.com' })];
    const sent = await server.request('POST', '/integrators/timeline/2026-09/events/batch', {
      body: { inputs },
    });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.json.status, 'COMPLETE');
    assert.equal(sent.json.results.length, 2);
    assert.ok(sent.json.startedAt && sent.json.completedAt && sent.json.requestedAt);
    const [a, b] = sent.json.results;
    assert.equal(a.id, inputs[0]?.id);
    assert.equal(a.objectId, b.objectId);
    assert.deepEqual(a.properties, {
      courseName: 'Algebra',
      seats: '3',
      format: 'live',
      startsOn: String(Date.parse('2026-04-01')),
    });
    const contact = await server.client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'EQ' as never, value: 'batch@example.com' }] },
      ],
    });
    assert.equal(contact.results[0]?.id, a.objectId);
  });

  test('400 when any input is invalid: nothing stored, every failing input listed with its index', async () => {
    const good = occurrence();
    const inputs = [good, occurrence({ properties: { nope: 'x' } }), occurrence({ id: undefined })];
    const sent = await server.request('POST', '/integrators/timeline/v4/events/batch', { body: { inputs } });
    assert.equal(sent.status, 400, sent.text);
    assert.deepEqual(sent.json.context.inputIndex, ['1', '2']);
    assert.deepEqual(
      sent.json.errors.map((e: { in: string; context: { inputIndex: string[] } }) => [
        e.context.inputIndex[0],
        e.in,
      ]),
      [
        ['1', 'properties.nope'],
        ['2', 'id'],
      ],
    );
    // Nothing was stored: the good input goes in alone afterwards.
    assert.equal(
      (await server.request('POST', '/integrators/timeline/v4/events', { body: good })).status,
      200,
    );
  });

  test('409 when an id is already used (or repeated): nothing of the batch is stored', async () => {
    const used = occurrence();
    await server.request('POST', '/integrators/timeline/v4/events', { body: used });
    const fresh = occurrence();
    const sent = await server.request('POST', '/integrators/timeline/v4/events/batch', {
      body: { inputs: [fresh, used] },
    });
    assert.equal(sent.status, 409, sent.text);
    assert.deepEqual(sent.json.context.inputIndex, ['1']);
    assert.equal(sent.json.errors[0].context.id[0], used.id);
    assert.equal(
      (await server.request('POST', '/integrators/timeline/v4/events', { body: fresh })).status,
      200,
    );
    const twice = occurrence();
    const repeated = await server.request('POST', '/integrators/timeline/v4/events/batch', {
      body: { inputs: [twice, twice] },
    });
    assert.equal(repeated.status, 409);
    assert.equal(
      (await server.request('POST', '/integrators/timeline/v4/events', { body: twice })).status,
      200,
    );
  });

  test('a batch over the limit, or without inputs, is a 400', async () => {
    const many = Array.from({ length: 501 }, () => occurrence());
    assert.equal(
      (await server.request('POST', '/integrators/timeline/v4/events/batch', { body: { inputs: many } }))
        .status,
      400,
    );
    assert.equal(
      (await server.request('POST', '/integrators/timeline/v4/events/batch', { body: {} })).status,
      400,
    );
  });

  test('a v3 event and an occurrence for one contact are stored on the same record', async () => {
    const email = 'mixed@example.com';
    const template = await server.client.crm.timeline.templatesApi.create(server.appId, {
      name: 'Signup',
      objectType: 'contacts',
      headerTemplate: 'Signed up',
      tokens: [],
    });
    const v3 = await server.client.crm.timeline.eventsApi.create({
      eventTemplateId: template.id,
      email,
      tokens: {},
    });
    const sent = await server.request('POST', '/integrators/timeline/v4/events/batch', {
      body: { inputs: [occurrence({ email })] },
    });
    assert.equal(sent.json.results[0].objectId, v3.objectId);
  });
});
