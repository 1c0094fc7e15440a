/** The record timeline API (ours, `/_timeline/v1`): a record's events and a portal's records. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEvent, createEvents, createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { ORDER_TEMPLATE, readContactTimeline } from './record-timeline-helpers.js';
import { assertError, assertInvalid } from './template-helpers.js';

let server: TestServer;
let order: string;
let note: string;
let adaId: string;
let otherServer: TestServer;

const template = ORDER_TEMPLATE;

const events = (objectId: string, query = '', token?: string) =>
  readContactTimeline(server, objectId, query, token);

before(async () => {
  server = await startTestServer({ timeZone: 'UTC' });
  otherServer = await startTestServer();
  order = await createTemplate(server, template);
  note = await createTemplate(server, { ...template, name: 'Note', headerTemplate: 'Note {{product}}' });
  const [first] = await createEvents(server, order, [
    {
      id: 'o-1',
      email: 'ada@lovelace.example',
      tokens: { product: '<img src=x onerror=alert(1)>' },
      timestamp: '2024-05-01T10:00:00Z',
      extraData: { note: 'fragile' },
    },
  ]);
  adaId = first?.objectId as string;
  await createEvent(server, note, {
    id: 'n-2',
    email: 'ada@lovelace.example',
    tokens: { product: 'b' },
    timestamp: '2024-05-02T10:00:00Z',
  });
  await createEvents(server, order, [
    { id: 'o-3', email: 'ada@lovelace.example', tokens: { product: 'c' }, timestamp: '2024-05-03T10:00:00Z' },
    { id: 'b-1', email: 'bob@builder.example', tokens: { product: 'd' }, timestamp: '2024-05-04T10:00:00Z' },
  ]);
});
after(async () => {
  await server.close();
  await otherServer.close();
});

describe('GET /_timeline/v1/objects/{objectType}/{objectId}/events', () => {
  it('answers the events newest first, each as GET /events answers it plus its template name and header', async () => {
    const response = await events(adaId);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(
      response.json.results.map((e: { id: string }) => e.id),
      ['o-3', 'n-2', 'o-1'],
    );
    assert.equal(response.json.paging, undefined, 'no paging on the last page');
    const oldest = response.json.results[2];
    const single = await server.request('GET', `${PREFIXES[0]}/events/${order}/o-1`);
    const { eventTemplateName, header, ...event } = oldest;
    assert.deepEqual(event, single.json);
    assert.equal(eventTemplateName, 'Order');
    const rendered = await server.request('GET', `${PREFIXES[0]}/events/${order}/o-1/render`);
    assert.equal(header, rendered.text, 'the same renderer as /render');
    assert.equal(header, '<p>Ordered <strong>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</strong></p>');
    assert.equal(oldest.detail, undefined);
  });

  it('render=detail adds the rendered detail', async () => {
    const response = await events(adaId, '?render=detail&limit=100');
    const oldest = response.json.results.at(-1);
    const rendered = await server.request('GET', `${PREFIXES[0]}/events/${order}/o-1/render?detail=true`);
    assert.equal(oldest.detail, rendered.text);
    assert.equal(oldest.detail, '<p>Note: fragile</p>');
  });

  it('pages with an opaque cursor; a cursor stays valid while new events arrive', async () => {
    const page1 = await events(adaId, '?limit=1');
    assert.deepEqual(
      page1.json.results.map((e: { id: string }) => e.id),
      ['o-3'],
    );
    const cursor = page1.json.paging.next.after as string;
    assert.equal(typeof cursor, 'string');
    const [backdated] = await createEvents(server, order, [
      {
        id: 'late',
        email: 'ada@lovelace.example',
        tokens: { product: 'z' },
        timestamp: '2024-04-01T00:00:00Z',
      },
      {
        id: 'newest',
        email: 'ada@lovelace.example',
        tokens: { product: 'y' },
        timestamp: '2024-06-01T00:00:00Z',
      },
    ]);
    const rest: string[] = [];
    let after: string | undefined = cursor;
    while (after) {
      const page = await events(adaId, `?limit=1&after=${encodeURIComponent(after)}`);
      assert.equal(page.status, 200, page.text);
      rest.push(...page.json.results.map((e: { id: string }) => e.id));
      after = page.json.paging?.next.after;
    }
    assert.deepEqual(rest, ['n-2', 'o-1', backdated?.id]);
    // Read-your-writes: the event just created is there at once.
    const now = await events(adaId, '?limit=1');
    assert.equal(now.json.results[0].id, 'newest');
  });

  it('filters by eventTemplateId, since and until (ISO 8601, inclusive)', async () => {
    const byTemplate = await events(adaId, `?eventTemplateId=${note}`);
    assert.deepEqual(
      byTemplate.json.results.map((e: { id: string }) => e.id),
      ['n-2'],
    );
    const range = await events(adaId, '?since=2024-05-01T10:00:00Z&until=2024-05-02T10:00:00.000Z');
    assert.deepEqual(
      range.json.results.map((e: { id: string }) => e.id),
      ['n-2', 'o-1'],
    );
  });

  it('answers 400 naming the parameter for a bad limit, cursor, time or render', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=abc', 'limit'],
      ['?after=nonsense', 'after'],
      ['?since=yesterday', 'since'],
      ['?until=2024-13-45', 'until'],
      ['?render=full', 'render'],
    ] as const) {
      assertInvalid(await events(adaId, query), [field]);
    }
  });

  it('answers 404 for an unknown record and for a record of another portal, 400 for an unknown type', async () => {
    assertError(await events('99999999'), 'CRM_OBJECT_NOT_FOUND');
    assertError(await events('abc'), 'CRM_OBJECT_NOT_FOUND');
    const foreign = await otherServer.request('GET', `/_timeline/v1/objects/contacts/${adaId}/events`);
    assertError(foreign, 'CRM_OBJECT_NOT_FOUND');
    // A second portal on the same server, with the same app: neither sees the other's records.
    const admin = server.credentials.adminToken;
    const portal2 = server.portalId + 7;
    assert.equal(
      (await server.request('PUT', `/_admin/v1/portals/${portal2}`, { token: admin, body: {} })).status < 300,
      true,
    );
    const token2 = await server.request('POST', '/_admin/v1/access-tokens', {
      token: admin,
      // The other portal's own private-app token: it lists its portal's records.
      body: { portalId: portal2, appId: server.appId, kind: 'private-app' },
    });
    assert.equal(token2.status, 201, token2.text);
    const theirs = await server.request('POST', `${PREFIXES[0]}/events`, {
      token: token2.json.token,
      body: { eventTemplateId: order, email: 'eve@elsewhere.example', tokens: { product: 'x' } },
    });
    assert.equal(theirs.status, 201, theirs.text);
    assertError(await events(theirs.json.objectId), 'CRM_OBJECT_NOT_FOUND');
    assertError(await events(adaId, '', token2.json.token), 'CRM_OBJECT_NOT_FOUND');
    const theirList = await server.request('GET', '/_timeline/v1/objects/contacts', {
      token: token2.json.token,
    });
    assert.deepEqual(
      theirList.json.results.map((r: { properties: { email: string } }) => r.properties.email),
      ['eve@elsewhere.example'],
    );
    const unknownType = await server.request('GET', `/_timeline/v1/objects/widgets/${adaId}/events`);
    assertError(unknownType, 'UNKNOWN_OBJECT_TYPE');
  });

  it('needs an access token with timeline or the read scope, or the admin token with portalId', async () => {
    assertError(
      await server.request('GET', `/_timeline/v1/objects/contacts/${adaId}/events`, { token: false }),
      'MISSING_CREDENTIALS',
    );
    assertError(await events(adaId, '', 'not-a-token'), 'INVALID_ACCESS_TOKEN');
    const admin = server.credentials.adminToken;
    const narrow = await server.request('POST', '/_admin/v1/access-tokens', {
      token: admin,
      body: { portalId: server.portalId, appId: server.appId, scopes: ['crm.objects.contacts.read'] },
    });
    assert.equal(narrow.status, 201, narrow.text);
    assert.equal((await events(adaId, '', narrow.json.token)).status, 200);
    const wrongScope = await server.request('POST', '/_admin/v1/access-tokens', {
      token: admin,
      body: { portalId: server.portalId, appId: server.appId, scopes: ['crm.objects.deals.read'] },
    });
    assertError(await events(adaId, '', wrongScope.json.token), 'MISSING_SCOPES');
    const asAdmin = await events(adaId, `?portalId=${server.portalId}`, admin);
    assert.equal(asAdmin.status, 200);
    assert.ok(asAdmin.json.results.length >= 3);
    assertInvalid(await events(adaId, '', admin), ['portalId']);
    assertError(await events(adaId, `?portalId=${server.portalId + 1}`, admin), 'CRM_OBJECT_NOT_FOUND');
  });
});

describe('GET /_timeline/v1/objects/{objectType}', () => {
  it('lists records with events, most recent activity first, with eventCount and lastEventAt', async () => {
    const response = await server.request('GET', '/_timeline/v1/objects/contacts');
    assert.equal(response.status, 200, response.text);
    const results = response.json.results as {
      id: string;
      properties: { email: string };
      eventCount: number;
      lastEventAt: string;
    }[];
    assert.deepEqual(
      results.map((r) => [r.properties.email, r.eventCount]),
      [
        ['ada@lovelace.example', 5],
        ['bob@builder.example', 1],
      ],
    );
    assert.equal(results[0]?.lastEventAt, '2024-06-01T00:00:00.000Z');
    assert.equal(response.json.paging, undefined);
  });

  it('searches by email, email domain or id prefix, and pages', async () => {
    const search = async (q: string) =>
      (
        await server.request('GET', `/_timeline/v1/objects/contacts?q=${encodeURIComponent(q)}`)
      ).json.results.map((r: { properties: { email: string } }) => r.properties.email);
    assert.deepEqual(await search('ADA@'), ['ada@lovelace.example']);
    assert.deepEqual(await search('builder'), ['bob@builder.example']);
    assert.deepEqual(await search(adaId), ['ada@lovelace.example']);
    assert.deepEqual(await search('zzz'), []);
    const page1 = await server.request('GET', '/_timeline/v1/objects/contacts?limit=1');
    assert.equal(page1.json.results.length, 1);
    const page2 = await server.request(
      'GET',
      `/_timeline/v1/objects/contacts?limit=1&after=${encodeURIComponent(page1.json.paging.next.after)}`,
    );
    assert.deepEqual(
      page2.json.results.map((r: { properties: { email: string } }) => r.properties.email),
      ['bob@builder.example'],
    );
    assert.equal(page2.json.paging, undefined);
    assertInvalid(await server.request('GET', '/_timeline/v1/objects/contacts?after=xyz'), ['after']);
  });

  it("never lists another portal's records", async () => {
    const other = await otherServer.request('GET', '/_timeline/v1/objects/contacts');
    assert.equal(other.status, 200);
    assert.deepEqual(other.json.results, []);
  });
});
