/**
 * The record timeline API's filters (ours, `/_timeline/v1`): several templates at once, times in
 * the portal's time zone, a text search over rendered headers and token values, each bad value a
 * 400 naming its parameter, and the search's read budget. One server (one portal, in New York).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEvents, createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { ORDER_TEMPLATE, readContactTimeline } from './record-timeline-helpers.js';
import { assertInvalid } from './template-helpers.js';

let server: TestServer;
let order: string;
let note: string;
let adaId: string;
let tzId: string;

const template = ORDER_TEMPLATE;

const events = (objectId: string, query = '', token?: string) =>
  readContactTimeline(server, objectId, query, token);
const ids = async (objectId: string, query: string) => {
  const response = await events(objectId, query);
  assert.equal(response.status, 200, response.text);
  return response.json.results.map((e: { id: string }) => e.id) as string[];
};

before(async () => {
  server = await startTestServer({ timeZone: 'America/New_York' });
  order = await createTemplate(server, template);
  note = await createTemplate(server, { ...template, name: 'Note', headerTemplate: 'Note {{product}}' });
  const [first] = await createEvents(server, order, [
    {
      id: 'o-1',
      email: 'ada@lovelace.example',
      tokens: { product: '<img src=x onerror=alert(1)>' },
      timestamp: '2024-05-01T10:00:00Z',
    },
  ]);
  adaId = first?.objectId as string;
  await createEvents(server, note, [
    { id: 'n-2', email: 'ada@lovelace.example', tokens: { product: 'b' }, timestamp: '2024-05-02T10:00:00Z' },
  ]);
  await createEvents(server, order, [
    { id: 'o-3', email: 'ada@lovelace.example', tokens: { product: 'c' }, timestamp: '2024-05-03T10:00:00Z' },
    { id: 'n-4', email: 'ada@lovelace.example', tokens: { product: 'd' }, timestamp: '2024-05-04T10:00:00Z' },
  ]);
  const [late] = await createEvents(server, order, [
    // 23:00 on May 1 in New York, 03:00 on May 2 in UTC.
    { id: 'late', email: 'tz@example.com', tokens: { product: 'a' }, timestamp: '2024-05-02T03:00:00Z' },
    { id: 'early', email: 'tz@example.com', tokens: { product: 'b' }, timestamp: '2024-05-02T05:00:00Z' },
  ]);
  tzId = late?.objectId as string;
});
after(() => server.close());

describe('GET /_timeline/v1/objects/{objectType}/{objectId}/events: filters', () => {
  it('eventTemplateId may repeat: the events of those templates, merged in timeline order, paged', async () => {
    const all = await ids(adaId, '?limit=100');
    assert.deepEqual(all, ['n-4', 'o-3', 'n-2', 'o-1']);
    assert.deepEqual(await ids(adaId, `?eventTemplateId=${order}&eventTemplateId=${note}`), all);
    assert.deepEqual(await ids(adaId, `?eventTemplateId=${note}`), ['n-2']);
    assert.deepEqual(await ids(adaId, `?eventTemplateId=${note}&eventTemplateId=${note}`), ['n-2']);
    // Page by page, one event at a time, across the two templates.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await events(
        adaId,
        `?limit=1&eventTemplateId=${note}&eventTemplateId=${order}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
      );
      paged.push(...page.json.results.map((e: { id: string }) => e.id));
      cursor = page.json.paging?.next.after;
    } while (cursor);
    assert.deepEqual(paged, all);
  });

  it('q finds text in the rendered header (Markdown and entities undone) or in a token value', async () => {
    // The header is `Ordered <strong>c</strong>`: its text is "Ordered c".
    assert.deepEqual(await ids(adaId, '?q=ORDERED%20C'), ['o-3']);
    // The token's `=` is `&#x3D;` in the HTML: the search reads the text.
    assert.deepEqual(await ids(adaId, `?q=${encodeURIComponent('onerror=alert')}`), ['o-1']);
    assert.deepEqual(await ids(adaId, '?q=%20note%20b%20'), ['n-2']);
    assert.deepEqual(await ids(adaId, `?q=b&eventTemplateId=${order}`), []);
    assert.deepEqual(await ids(adaId, '?q=nothing-like-it'), []);
  });

  it('answers 400 naming the filter for a bad template id, too many, a bad or reversed time, a long q', async () => {
    const many = Array.from({ length: 21 }, (_, i) => `eventTemplateId=${1_000_001 + i}`).join('&');
    for (const [query, field] of [
      ['?eventTemplateId=abc', 'eventTemplateId'],
      ['?eventTemplateId=', 'eventTemplateId'],
      [`?${many}`, 'eventTemplateId'],
      ['?since=2024-02-30', 'since'],
      ['?since=2024-05-01&since=2024-05-02', 'since'],
      ['?until=2024-05-01T25:00', 'until'],
      ['?since=2024-05-03&until=2024-05-02', 'until'],
      [`?q=${'x'.repeat(201)}`, 'q'],
      ['?q=a&q=b', 'q'],
    ] as const) {
      assertInvalid(await events(adaId, query), [field]);
    }
  });

  it("an app's token filtering by another app's template reads nothing of it", async () => {
    const admin = server.credentials.adminToken;
    const otherApp = server.appId + 1;
    const account = await server.request('POST', '/_admin/v1/developer-accounts', {
      token: admin,
      body: { apiKey: `filters-${server.portalId}`, appId: otherApp },
    });
    assert.equal(account.status, 201, account.text);
    const made = await server.request('POST', '/_admin/v1/access-tokens', {
      token: admin,
      body: { portalId: server.portalId, appId: otherApp, scopes: ['timeline'] },
    });
    assert.equal(made.status, 201, made.text);
    const other = made.json.token as string;
    const response = await events(adaId, `?eventTemplateId=${order}&eventTemplateId=${note}`, other);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json.results, []);
    assert.deepEqual((await events(adaId, '?q=ordered', other)).json.results, []);
  });

  it("a date is the portal's day; until takes in the whole day; an offset is an instant", async () => {
    assert.deepEqual(await ids(tzId, '?since=2024-05-02'), ['early']);
    assert.deepEqual(await ids(tzId, '?until=2024-05-01'), ['late']);
    assert.deepEqual(await ids(tzId, '?since=2024-05-01&until=2024-05-01'), ['late']);
    assert.deepEqual(await ids(tzId, '?since=2024-05-01T23:00'), ['early', 'late']);
    assert.deepEqual(await ids(tzId, '?since=2024-05-01T23:00:00.001'), ['early']);
    assert.deepEqual(await ids(tzId, '?until=2024-05-02T03:00:00Z'), ['late']);
    assert.deepEqual(await ids(tzId, '?since=2024-05-02T01:00-04:00'), ['early']);
  });

  it('a text search examines at most 1,000 events a page, and its cursor goes on from there', async () => {
    const bulk = await createTemplate(server, { ...template, name: 'Bulk' });
    const inputs = Array.from({ length: 1_100 }, (_, i) => ({
      eventTemplateId: bulk,
      id: `bulk-${i}`,
      email: 'bulk@example.com',
      tokens: { product: i === 0 ? 'the needle' : 'hay' },
      timestamp: new Date(Date.parse('2024-01-01T00:00:00Z') + i * 60_000).toISOString(),
    }));
    for (let i = 0; i < inputs.length; i += 500) {
      const batch = await server.request('POST', `${PREFIXES[0]}/events/batch/create`, {
        body: { inputs: inputs.slice(i, i + 500) },
      });
      assert.ok(batch.status < 300, batch.text);
    }
    const list = await server.request('GET', '/_timeline/v1/objects/contacts?q=bulk@');
    const record = list.json.results[0].id as string;
    const first = await events(record, '?q=needle');
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json.results, [], 'the oldest event is past the first 1,000');
    const cursor = first.json.paging?.next.after as string;
    assert.equal(typeof cursor, 'string');
    const second = await events(record, `?q=needle&after=${encodeURIComponent(cursor)}`);
    assert.deepEqual(
      second.json.results.map((e: { id: string }) => e.id),
      ['bulk-0'],
    );
    assert.equal(second.json.paging, undefined);
    // Without a search the same record pages as usual: full pages.
    assert.equal((await events(record, '?limit=100')).json.results.length, 100);
  });
});
