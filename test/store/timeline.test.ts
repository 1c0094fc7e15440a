/**
 * Store conformance: reading a record's timeline (newest first, cursor paging, filters) and a
 * portal's records by latest activity. Every read is checked right after the writes (SQLite: from
 * the unindexed tail of its log), after the backend settles (from its index), and with both mixed.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type {
  ActivityQuery,
  EventWrite,
  RecordActivity,
  Store,
  TimelinePosition,
  TimelineQuery,
} from '../../src/domain/store.js';
import type { CrmRecord, EventTemplate } from '../../src/domain/types.js';
import { type Backend, eachBackend, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

interface Setup {
  store: Store;
  portalId: number;
  template: EventTemplate;
  other: EventTemplate;
  write(writes: EventWrite[]): Promise<void>;
  contact(email: string, portalId?: number): Promise<CrmRecord>;
}

async function setup(t: TestContext, backend: Backend): Promise<Setup> {
  const store = await openStore(t, backend.shared());
  const { portalId, appId } = uniqueIds();
  return {
    store,
    portalId,
    template: await storedTemplate(store, appId),
    other: await storedTemplate(store, appId),
    write: async (writes) => {
      const results = await store.writeEvents(writes, { autoCreateRecords: false, now: T0 });
      for (const result of results) assert.ok(result.ok, JSON.stringify(result));
    },
    contact: async (email, portal = portalId) => {
      const result = await store.createRecord(portal, 'contacts', { email }, T0);
      assert.ok(result.ok);
      return result.record;
    },
  };
}

const byId = (objectId: string) => ({ by: 'objectId' as const, objectId });

/** Every page of a query, following `next`, as `templateId/id` keys. */
async function allPages(store: Store, query: TimelineQuery): Promise<string[][]> {
  const pages: string[][] = [];
  let after: TimelinePosition | undefined;
  do {
    const page = await store.readTimeline(after ? { ...query, after } : query);
    pages.push(page.events.map((e) => `${e.eventTemplateId}/${e.id}`));
    after = page.next;
    assert.ok(pages.length < 100, 'paging ends');
  } while (after);
  return pages;
}

eachBackend((backend) => {
  test('a record reads newest first, ties by id then template, in pages; the same before and after indexing', async (t) => {
    const s = await setup(t, backend);
    const ada = await s.contact('ada@example.com');
    const bob = await s.contact('bob@example.com');
    const at = (minutes: number) => T0 + minutes * 60_000;
    await s.write([
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'e1', timestamp: at(1) }),
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'e3', timestamp: at(3) }),
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'e2a', timestamp: at(2) }),
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'e2b', timestamp: at(2) }),
      eventWrite(s.portalId, s.other, byId(ada.id), { id: 'e2b', timestamp: at(2) }),
      eventWrite(s.portalId, s.template, byId(bob.id), { id: 'bob-1', timestamp: at(5) }),
    ]);
    const [low, high] = [s.template.id, s.other.id].sort((a, b) => Number(a) - Number(b));
    const expected = [
      `${s.template.id}/e3`,
      `${high}/e2b`,
      `${low}/e2b`,
      `${s.template.id}/e2a`,
      `${s.template.id}/e1`,
    ];
    const query = { portalId: s.portalId, objectType: 'contacts', objectId: ada.id, limit: 2 };
    // Read-your-writes: right after the acknowledged write, before any deferred indexing.
    const fresh = await allPages(s.store, query);
    assert.deepEqual(fresh, [expected.slice(0, 2), expected.slice(2, 4), expected.slice(4)]);
    const first = await s.store.readTimeline({ ...query, limit: 1 });
    assert.equal(first.events[0]?.tokens !== undefined, true);
    assert.equal(first.events[0]?.objectId, ada.id);
    assert.equal(first.events[0]?.timestamp, at(3));
    await backend.settle(s.store);
    assert.deepEqual(await allPages(s.store, query), fresh);
    // Part indexed, part not: a newer and an older event written after indexing.
    await s.write([
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'e4', timestamp: at(4) }),
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'e0', timestamp: at(0) }),
    ]);
    const mixed = (await allPages(s.store, { ...query, limit: 100 })).flat();
    assert.deepEqual(mixed, [`${s.template.id}/e4`, ...expected, `${s.template.id}/e0`]);
    // The last page has no next position; an exact fit too.
    const exact = await s.store.readTimeline({ ...query, limit: 7 });
    assert.equal(exact.events.length, 7);
    assert.equal(exact.next, undefined);
  });

  test('equal timestamps: a page holds the highest ids, whatever order they were written in', async (t) => {
    const s = await setup(t, backend);
    const ada = await s.contact('ada@example.com');
    const at = T0 + 60_000;
    // The highest id is written first: a read that took the newest writes first would miss it.
    await s.write(
      ['z', 'a', 'b', 'c'].map((id) =>
        eventWrite(s.portalId, s.template, byId(ada.id), { id, timestamp: at }),
      ),
    );
    const query = { portalId: s.portalId, objectType: 'contacts', objectId: ada.id, limit: 2 };
    const expected = [
      ['z', 'c'],
      ['b', 'a'],
    ].map((page) => page.map((id) => `${s.template.id}/${id}`));
    assert.deepEqual(await allPages(s.store, query), expected);
    await backend.settle(s.store);
    assert.deepEqual(await allPages(s.store, query), expected);
  });

  test('a position stays valid while events arrive: nothing skipped, nothing repeated', async (t) => {
    const s = await setup(t, backend);
    const ada = await s.contact('cursor@example.com');
    const minute = (m: number) => T0 + m * 60_000;
    await s.write(
      Array.from({ length: 6 }, (_, i) =>
        eventWrite(s.portalId, s.template, byId(ada.id), { id: `old-${i}`, timestamp: minute(10 + i) }),
      ),
    );
    const query = { portalId: s.portalId, objectType: 'contacts', objectId: ada.id, limit: 2 };
    const seen: string[] = [];
    let page = await s.store.readTimeline(query);
    seen.push(...page.events.map((e) => e.id));
    let round = 0;
    while (page.next) {
      // Between pages: newer events, events at the very position's timestamp, and indexing.
      round += 1;
      await s.write([
        eventWrite(s.portalId, s.template, byId(ada.id), {
          id: `new-${round}`,
          timestamp: minute(100 + round),
        }),
      ]);
      if (round === 1) await backend.settle(s.store);
      page = await s.store.readTimeline({ ...query, after: page.next });
      seen.push(...page.events.map((e) => e.id));
    }
    assert.deepEqual(seen, ['old-5', 'old-4', 'old-3', 'old-2', 'old-1', 'old-0']);
  });

  test('filters: template, since and until (inclusive), combined with paging', async (t) => {
    const s = await setup(t, backend);
    const ada = await s.contact('filters@example.com');
    const minute = (m: number) => T0 + m * 60_000;
    await s.write([
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'a1', timestamp: minute(1) }),
      eventWrite(s.portalId, s.other, byId(ada.id), { id: 'b2', timestamp: minute(2) }),
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'a3', timestamp: minute(3) }),
      eventWrite(s.portalId, s.other, byId(ada.id), { id: 'b4', timestamp: minute(4) }),
      eventWrite(s.portalId, s.template, byId(ada.id), { id: 'a5', timestamp: minute(5) }),
    ]);
    const base = { portalId: s.portalId, objectType: 'contacts', objectId: ada.id, limit: 10 };
    const ids = async (query: TimelineQuery) => (await s.store.readTimeline(query)).events.map((e) => e.id);
    for (const phase of ['tail', 'indexed']) {
      if (phase === 'indexed') await backend.settle(s.store);
      assert.deepEqual(await ids({ ...base, eventTemplateId: s.other.id }), ['b4', 'b2'], phase);
      assert.deepEqual(await ids({ ...base, since: minute(2), until: minute(4) }), ['b4', 'a3', 'b2'], phase);
      assert.deepEqual(
        await ids({ ...base, eventTemplateId: s.template.id, since: minute(3) }),
        ['a5', 'a3'],
        phase,
      );
      assert.deepEqual(
        (await allPages(s.store, { ...base, limit: 1, eventTemplateId: s.template.id })).flat(),
        ['a5', 'a3', 'a1'].map((id) => `${s.template.id}/${id}`),
        phase,
      );
      assert.deepEqual(await ids({ ...base, eventTemplateId: '999999999' }), [], phase);
      assert.deepEqual(await ids({ ...base, eventTemplateId: 'x' }), [], phase);
    }
  });

  test("another portal's record and events never show; an unknown record reads empty", async (t) => {
    const s = await setup(t, backend);
    const { portalId: otherPortal } = uniqueIds();
    const mine = await s.contact('mine@example.com');
    const theirs = await s.contact('theirs@example.com', otherPortal);
    await s.write([eventWrite(s.portalId, s.template, byId(mine.id), { id: 'mine' })]);
    await s.write([eventWrite(otherPortal, s.template, byId(theirs.id), { id: 'theirs' })]);
    for (const phase of ['tail', 'indexed']) {
      if (phase === 'indexed') await backend.settle(s.store);
      const read = (portalId: number, objectId: string) =>
        s.store.readTimeline({ portalId, objectType: 'contacts', objectId, limit: 10 });
      assert.deepEqual((await read(s.portalId, theirs.id)).events, [], phase);
      assert.deepEqual((await read(otherPortal, mine.id)).events, [], phase);
      assert.deepEqual(
        (await read(otherPortal, theirs.id)).events.map((e) => e.id),
        ['theirs'],
        phase,
      );
      assert.deepEqual((await read(s.portalId, '99999999999')).events, [], phase);
      assert.deepEqual((await read(s.portalId, 'not-a-number')).events, [], phase);
      // Same id, another object type: not this record's timeline.
      const companies = await s.store.readTimeline({
        portalId: s.portalId,
        objectType: 'companies',
        objectId: mine.id,
        limit: 10,
      });
      assert.deepEqual(companies.events, [], phase);
      const listed = await s.store.listRecordActivity({
        portalId: s.portalId,
        objectType: 'contacts',
        limit: 10,
      });
      assert.deepEqual(
        listed.records.map((r) => r.record.id),
        [mine.id],
        phase,
      );
    }
  });

  test('records with events: most recent activity first, counts, search by email, domain or id prefix', async (t) => {
    const s = await setup(t, backend);
    const minute = (m: number) => T0 + m * 60_000;
    const ada = await s.contact('Ada@Lovelace.example');
    const bob = await s.contact('bob@builder.example');
    const cid = await s.contact('cid@lovelace.example');
    await s.contact('quiet@lovelace.example'); // no events: never listed
    await s.write([
      eventWrite(s.portalId, s.template, byId(ada.id), { timestamp: minute(1) }),
      eventWrite(s.portalId, s.template, byId(ada.id), { timestamp: minute(9) }),
      eventWrite(s.portalId, s.template, byId(bob.id), { timestamp: minute(5) }),
      eventWrite(s.portalId, s.other, byId(cid.id), { timestamp: minute(7) }),
      eventWrite(s.portalId, s.other, byId(cid.id), { timestamp: minute(2) }),
      eventWrite(s.portalId, s.other, byId(cid.id), { timestamp: minute(3) }),
    ]);
    const query: ActivityQuery = { portalId: s.portalId, objectType: 'contacts', limit: 10 };
    const summary = (records: RecordActivity[]) =>
      records.map((r) => `${r.record.properties.email}:${r.eventCount}@${(r.lastEventAt - T0) / 60_000}`);
    const list = async (q: Partial<ActivityQuery>) =>
      (await s.store.listRecordActivity({ ...query, ...q })).records;
    const expectedAll = ['Ada@Lovelace.example:2@9', 'cid@lovelace.example:3@7', 'bob@builder.example:1@5'];
    const check = async (phase: string) => {
      assert.deepEqual(summary(await list({})), expectedAll, phase);
      assert.deepEqual(summary(await list({ q: 'ada@' })), [expectedAll[0]], phase);
      assert.deepEqual(summary(await list({ q: 'lovelace' })), [expectedAll[0], expectedAll[1]], phase);
      assert.deepEqual(summary(await list({ q: 'bui' })), [expectedAll[2]], phase);
      assert.deepEqual(summary(await list({ q: bob.id })), [expectedAll[2]], phase);
      assert.deepEqual(summary(await list({ q: 'nobody' })), [], phase);
      assert.deepEqual(summary(await list({ q: '%' })), [], phase);
      // Pages of one, following next.
      const paged: RecordActivity[] = [];
      let page = await s.store.listRecordActivity({ ...query, limit: 1 });
      paged.push(...page.records);
      while (page.next) {
        page = await s.store.listRecordActivity({ ...query, limit: 1, after: page.next });
        paged.push(...page.records);
      }
      assert.deepEqual(summary(paged), expectedAll, phase);
    };
    await check('tail');
    await backend.settle(s.store);
    await check('indexed');
    // A new event moves its record to the front, counted with the indexed ones.
    await s.write([eventWrite(s.portalId, s.template, byId(bob.id), { timestamp: minute(20) })]);
    assert.deepEqual(summary(await list({})), [
      'bob@builder.example:2@20',
      'Ada@Lovelace.example:2@9',
      'cid@lovelace.example:3@7',
    ]);
    const companies = await s.store.listRecordActivity({ ...query, objectType: 'companies' });
    assert.deepEqual(companies.records, []);
  });
});
