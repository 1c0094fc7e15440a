/**
 * Attacks on the record timeline's paging with an app's token, where another app (C) of the same
 * portal has many events on the record. A page skips events its reader may not see, examining at
 * most SCAN_BUDGET of them, and can end on one of C's: its cursor must not tell the reader that
 * event's id, template id or time (it is sealed), paging must still go on to the reader's own
 * events, and a cursor made by hand (plain or tampered) must show nothing the reader may not see.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SCAN_BUDGET } from '../../src/domain/timeline-service.js';
import { ok, startTestServer, type TestServer } from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';

let server: TestServer;
const c = { appId: 0, key: '', token: '', templateId: '' };
let aAppToken = '';
let aTemplateId = '';
let contactId = '';
/** More of C's events than one page examines, all newer than A's one event. */
const C_EVENTS = SCAN_BUDGET + 200;
const C_START = Date.UTC(2024, 0, 1);

before(async () => {
  server = await startTestServer();
  const admin = server.credentials.adminToken;
  c.appId = Number(`7${server.appId}`);
  c.key = `c-key-${server.portalId}`;
  const as = (token: string | false, path: string, body: unknown) =>
    server.request('POST', path, { token, body }).then(ok);
  await as(admin, '/_admin/v1/developer-accounts', { apiKey: c.key, appId: c.appId });
  const portalId = server.portalId;
  c.token = (await as(admin, '/_admin/v1/access-tokens', { portalId, appId: c.appId })).json.token;
  aAppToken = (await as(admin, '/_admin/v1/access-tokens', { portalId, appId: server.appId })).json.token;
  const templates = '/integrators/timeline/v3';
  c.templateId = (
    await as(false, `${templates}/${c.appId}/event-templates?hapikey=${c.key}`, {
      ...webinarTemplate,
      name: 'C template',
    })
  ).json.id;
  aTemplateId = (
    await as(false, `${templates}/${server.appId}/event-templates?hapikey=${server.apiKey}`, {
      ...webinarTemplate,
      name: 'A template',
    })
  ).json.id;
  contactId = (
    await as(server.accessToken, '/crm/v3/objects/contacts', { properties: { email: 'shared@example.com' } })
  ).json.id;
  await as(aAppToken, `${templates}/events`, {
    eventTemplateId: aTemplateId,
    id: 'a-old',
    objectId: contactId,
    timestamp: '2020-01-01T00:00:00Z',
    tokens: { webinarName: 'A value' },
  });
  for (let start = 0; start < C_EVENTS; start += 400) {
    const inputs = Array.from({ length: Math.min(400, C_EVENTS - start) }, (_, i) => ({
      eventTemplateId: c.templateId,
      id: `c-hidden-${start + i}`,
      objectId: contactId,
      timestamp: new Date(C_START + (start + i) * 1000).toISOString(),
      tokens: { webinarName: 'C value' },
    }));
    await as(c.token, `${templates}/events/batch/create`, { inputs });
  }
});

after(async () => {
  await server?.close();
});

const events = (token: string, query = '') =>
  server.request('GET', `/_timeline/v1/objects/contacts/${contactId}/events${query}`, { token });

/** Whatever a cursor tells: its text, and its base64url decoded. */
const told = (cursor: string) => `${cursor} ${Buffer.from(cursor, 'base64url').toString('latin1')}`;

/** Everything of C's events a cursor or a page could show. */
function assertNothingOfC(text: string, where: string): void {
  for (const secret of ['c-hidden-', c.templateId, 'C value', String(C_START).slice(0, 6)]) {
    assert.ok(!text.includes(secret), `${where} tells '${secret}': ${text.slice(0, 300)}`);
  }
}

const plainCursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe("paging an app's token past another app's events", () => {
  it("every cursor is sealed, tells nothing of C's events, and paging reaches A's own event", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await events(aAppToken, after === undefined ? '' : `?after=${after}`);
      assert.equal(res.status, 200, res.text);
      seen.push(...res.json.results.map((r: { id: string }) => r.id));
      assertNothingOfC(res.text, `page ${page}`);
      after = res.json.paging?.next?.after;
      if (after === undefined) break;
      assertNothingOfC(told(after), `the cursor of page ${page}`);
    }
    assert.deepEqual(seen, ['a-old']);
    assert.equal(after, undefined, 'paging ends');
  });

  it('a tampered sealed cursor is refused as a bad `after`', async () => {
    const first = await events(aAppToken);
    const cursor: string = first.json.paging.next.after;
    const flipped = `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'BA' : 'AA'}`;
    for (const bad of [flipped, 's.', 's.AAAA', `${cursor}x`]) {
      const res = await events(aAppToken, `?after=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
      assert.equal(res.json.errors?.[0]?.in, 'after', res.text);
    }
  });

  it("a cursor made by hand at C's events (or C's template in the filter) shows nothing of C's", async () => {
    for (const values of [
      [C_START + 100_000_000, 'zzzz', c.templateId],
      [C_START + 500_000, `c-hidden-500`, c.templateId],
      [Number.MAX_SAFE_INTEGER, 'z', '999999999'],
    ]) {
      for (const filter of ['', `&eventTemplateId=${c.templateId}`, '&q=c%20value', '&render=detail']) {
        const res = await events(aAppToken, `?after=${plainCursor(values)}&limit=100${filter}`);
        assert.equal(res.status, 200, res.text);
        assertNothingOfC(res.text, `a cursor at ${JSON.stringify(values)}${filter}`);
        for (const r of res.json.results) assert.equal(r.id, 'a-old');
      }
    }
  });

  it("the portal's token and C's own token page plainly through every event of C's", async () => {
    for (const token of [server.accessToken, c.token]) {
      const first = await events(token, '?limit=100');
      assert.equal(first.json.results.length, 100);
      const cursor: string = first.json.paging.next.after;
      assert.ok(!cursor.startsWith('s.'), 'a cursor at an event the reader sees stays plain');
      const second = await events(token, `?limit=100&after=${cursor}`);
      assert.equal(second.json.results[0].id, `c-hidden-${C_EVENTS - 101}`);
    }
  });
});
