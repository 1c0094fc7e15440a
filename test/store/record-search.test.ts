/**
 * Store conformance: the records search `q` of `listRecordActivity` (an email prefix, the prefix of
 * an email's domain or of a `domain` property, an id prefix; stored values in any case), with
 * paging, per portal, and following record changes. Each check runs right after the writes
 * (SQLite: from the unindexed tail of its log) and after the backend settles (from its indexes).
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { SEARCH_SEEK_MAX } from '../../src/domain/record-search.js';
import type { ActivityPosition, ActivityQuery, EventWrite, Store } from '../../src/domain/store.js';
import type { CrmRecord, EventTemplate } from '../../src/domain/types.js';
import { type Backend, eachBackend, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

const minute = (m: number) => T0 + m * 60_000;
const byId = (objectId: string) => ({ by: 'objectId' as const, objectId });

interface Setup {
  store: Store;
  portalId: number;
  contacts: EventTemplate;
  companies: EventTemplate;
  write(writes: EventWrite[]): Promise<void>;
  record(objectType: string, properties: Record<string, string>, portalId?: number): Promise<CrmRecord>;
  /** Every record the search finds (`q` empty: every record), following `next`, as ids. */
  search(q: string, options?: { objectType?: string; limit?: number; portalId?: number }): Promise<string[]>;
}

async function setup(t: TestContext, backend: Backend): Promise<Setup> {
  const store = await openStore(t, backend.shared());
  const { portalId, appId } = uniqueIds();
  return {
    store,
    portalId,
    contacts: await storedTemplate(store, appId),
    companies: await storedTemplate(store, appId, 'companies'),
    write: async (writes) => {
      const results = await store.writeEvents(writes, { autoCreateRecords: false, now: T0 });
      for (const result of results) assert.ok(result.ok, JSON.stringify(result));
    },
    record: async (objectType, properties, portal = portalId) => {
      const result = await store.createRecord(portal, objectType, properties, T0);
      assert.ok(result.ok, JSON.stringify(result));
      return result.record;
    },
    search: async (q, options = {}) => {
      const query: ActivityQuery = {
        portalId: options.portalId ?? portalId,
        objectType: options.objectType ?? 'contacts',
        limit: options.limit ?? 100,
        ...(q === '' ? {} : { q }),
      };
      const ids: string[] = [];
      let after: ActivityPosition | undefined;
      do {
        const page = await store.listRecordActivity(after ? { ...query, after } : query);
        ids.push(...page.records.map((r) => r.record.id));
        assert.ok(page.records.length <= query.limit, 'a page holds at most limit records');
        after = page.next;
        assert.ok(ids.length < 10_000, 'paging ends');
      } while (after);
      return ids;
    },
  };
}

/** Runs `check` before and after the backend settles (SQLite: from its log's tail, then indexed). */
async function bothPhases(backend: Backend, store: Store, check: (phase: string) => Promise<void>) {
  await check('tail');
  await backend.settle(store);
  await check('indexed');
}

eachBackend((backend) => {
  test('records search: email, email domain and domain prefixes in any case, id prefixes', async (t) => {
    const s = await setup(t, backend);
    const ada = await s.record('contacts', { email: ' Ada.King@Lovelace.EXAMPLE ' });
    const bob = await s.record('contacts', { email: 'bob@Builder.example', domain: 'Tools.example' });
    const cid = await s.record('contacts', { email: 'cid@lovelace.example' });
    const acme = await s.record('companies', { name: 'Acme', domain: 'Shop.ACME.example' });
    const quiet = await s.record('contacts', { email: 'ada.quiet@lovelace.example' }); // no events
    await s.write([
      eventWrite(s.portalId, s.contacts, byId(ada.id), { timestamp: minute(3) }),
      eventWrite(s.portalId, s.contacts, byId(bob.id), { timestamp: minute(2) }),
      eventWrite(s.portalId, s.contacts, byId(cid.id), { timestamp: minute(1) }),
      eventWrite(s.portalId, s.companies, byId(acme.id), { timestamp: minute(1) }),
    ]);
    const contacts = [ada, bob, cid];
    await bothPhases(backend, s.store, async (phase) => {
      assert.deepEqual(await s.search('ada.king@lovelace.example'), [ada.id], phase);
      assert.deepEqual(await s.search('ada'), [ada.id], phase);
      assert.deepEqual(await s.search('lovelace.ex'), [ada.id, cid.id], phase);
      assert.deepEqual(await s.search('builder'), [bob.id], phase);
      assert.deepEqual(await s.search('tools.'), [bob.id], phase);
      assert.deepEqual(await s.search('b'), [bob.id], phase);
      assert.deepEqual(await s.search('shop.acme'), [], phase);
      assert.deepEqual(await s.search('shop.acme', { objectType: 'companies' }), [acme.id], phase);
      assert.deepEqual(await s.search('acme', { objectType: 'companies' }), [], phase);
      // Not a prefix of anything, though found inside values.
      assert.deepEqual(await s.search('king'), [], phase);
      assert.deepEqual(await s.search('example'), [], phase);
      assert.deepEqual(await s.search('%'), [], phase);
      assert.deepEqual(await s.search('ada.king@lovelace.examplex'), [], phase);
      assert.deepEqual(await s.search(quiet.id), [], phase);
      // Id prefixes: every prefix of each id finds exactly the listed records whose id starts so.
      for (const record of contacts) {
        for (let length = 1; length <= record.id.length; length++) {
          const q = record.id.slice(0, length);
          const expected = contacts.filter((r) => r.id.startsWith(q)).map((r) => r.id);
          assert.deepEqual(await s.search(q), expected, `${phase}: q=${q}`);
        }
      }
      assert.deepEqual(await s.search(`${ada.id}0`), [], phase);
      assert.deepEqual(await s.search(`0${ada.id}`), [], phase);
    });
  });

  test('records search pages: few matches and more than the store seeks, most recent first', async (t) => {
    const s = await setup(t, backend);
    // SEARCH_SEEK_MAX + 10 contacts at many.example (found by walking the records by activity),
    // 5 at few.example (found by seeking their keys), interleaved in time.
    const writes: EventWrite[] = [];
    const many = SEARCH_SEEK_MAX + 10;
    for (let i = 0; i < many + 5; i++) {
      const email = i < many ? `m${i}@many.example` : `f${i}@Few.example`;
      writes.push(eventWrite(s.portalId, s.contacts, { by: 'email', email }, { timestamp: minute(i % 300) }));
    }
    for (let i = 0; i < writes.length; i += 200) await s.write(writes.slice(i, i + 200));
    // And as many records made on events' object ids 7770000 on (no email).
    const byObjectId = Array.from({ length: many }, (_, i) =>
      eventWrite(s.portalId, s.contacts, byId(String(7_770_000 + i)), { timestamp: minute(i % 300) }),
    );
    for (let i = 0; i < byObjectId.length; i += 200) {
      const results = await s.store.writeEvents(byObjectId.slice(i, i + 200), {
        autoCreateRecords: true,
        now: T0,
      });
      for (const result of results) assert.ok(result.ok, JSON.stringify(result));
    }
    const all = await s.store.listRecordActivity({
      portalId: s.portalId,
      objectType: 'contacts',
      limit: 100,
    });
    assert.equal(all.records.length, 100);
    // The expected order, from the records' own emails and event times.
    const expected = (domain: string) =>
      writes
        .map((w, i) => ({ email: (w.record as { email: string }).email, at: minute(i % 300) }))
        .filter((w) => w.email.toLowerCase().endsWith(`@${domain}`))
        .map((w) => w.email.toLowerCase());
    const emailsOf = async (ids: string[]) => {
      const emails: string[] = [];
      for (const id of ids)
        emails.push((await s.store.getRecord(s.portalId, 'contacts', id))?.properties.email ?? '');
      return emails;
    };
    await bothPhases(backend, s.store, async (phase) => {
      const few = await s.search('few', { limit: 2 });
      assert.deepEqual(
        (await emailsOf(few)).map((e) => e.toLowerCase()).sort(),
        expected('few.example').sort(),
        phase,
      );
      const manyIds = await s.search('many.ex', { limit: 50 });
      assert.equal(manyIds.length, many, phase);
      assert.equal(new Set(manyIds).size, many, `${phase}: no record twice`);
      const manyEmails = await emailsOf(manyIds);
      assert.deepEqual([...manyEmails].sort(), expected('many.example').sort(), phase);
      // Most recent activity first, ties by id descending: the order of the unfiltered list.
      const times = new Map(writes.map((w, i) => [(w.record as { email: string }).email, minute(i % 300)]));
      for (let i = 1; i < manyIds.length; i++) {
        const [a, b] = [times.get(manyEmails[i - 1] as string), times.get(manyEmails[i] as string)];
        assert.ok(
          (a as number) > (b as number) || (a === b && Number(manyIds[i - 1]) > Number(manyIds[i])),
          `${phase}: order at ${i}`,
        );
      }
      assert.deepEqual(await s.search('m1', { limit: 7 }), await s.search('m1', { limit: 1000 }), phase);
      // An id prefix more records have than the store seeks (the records made on events' object
      // ids below): the same records in the same order as the whole list has them.
      const everything = await s.search('', { limit: 100 });
      const withPrefix = everything.filter((id) => id.startsWith('777'));
      assert.ok(withPrefix.length >= many, phase);
      assert.deepEqual(await s.search('777', { limit: 50 }), withPrefix, phase);
      assert.deepEqual(await s.search('7770012', { limit: 50 }), ['7770012'], phase);
    });
  });

  test("records search keeps to the portal: another portal's matching records never show", async (t) => {
    const s = await setup(t, backend);
    const { portalId: other } = uniqueIds();
    const mine = await s.record('contacts', { email: 'same@shared.example' });
    const theirs = await s.record('contacts', { email: 'same@shared.example' }, other);
    const theirsOnly = await s.record('contacts', { email: 'only@theirs.example' }, other);
    await s.write([
      eventWrite(s.portalId, s.contacts, byId(mine.id)),
      eventWrite(other, s.contacts, byId(theirs.id)),
      eventWrite(other, s.contacts, byId(theirsOnly.id)),
    ]);
    await bothPhases(backend, s.store, async (phase) => {
      assert.deepEqual(await s.search('same@'), [mine.id], phase);
      assert.deepEqual(await s.search('shared'), [mine.id], phase);
      assert.deepEqual(await s.search('only'), [], phase);
      assert.deepEqual(await s.search('theirs'), [], phase);
      assert.deepEqual(await s.search(theirsOnly.id), [], phase);
      assert.deepEqual(await s.search('only', { portalId: other }), [theirsOnly.id], phase);
    });
  });

  test('records search follows changes: CRM updates, stamps by events, archived records', async (t) => {
    const s = await setup(t, backend);
    const ada = await s.record('contacts', { email: 'ada@old.example' });
    const bob = await s.record('contacts', { email: 'bob@old.example' });
    const cid = await s.record('contacts', { email: 'cid@old.example' });
    const acme = await s.record('companies', { name: 'Acme', domain: 'acme-old.example' });
    await s.write([
      eventWrite(s.portalId, s.contacts, byId(ada.id), { timestamp: minute(3) }),
      eventWrite(s.portalId, s.contacts, byId(bob.id), { timestamp: minute(2) }),
      eventWrite(s.portalId, s.contacts, byId(cid.id), { timestamp: minute(1) }),
      eventWrite(s.portalId, s.companies, byId(acme.id), { timestamp: minute(1) }),
    ]);
    await backend.settle(s.store);
    assert.deepEqual(await s.search('old.'), [ada.id, bob.id, cid.id]);
    // A CRM update (no event): found by the new email at once, not by the old.
    const updated = await s.store.updateRecord(
      s.portalId,
      'contacts',
      ada.id,
      { email: 'Ada@New.example' },
      T0,
    );
    assert.ok(updated.ok);
    // An event that stamps a new email onto its contact.
    await s.write([
      eventWrite(s.portalId, s.contacts, byId(bob.id), {
        timestamp: minute(4),
        stamps: { email: 'bob@new.example' },
      }),
    ]);
    // An event that stamps a new domain onto a company that already has its search keys, beside one
    // that only points at it again (PostgreSQL: the batch's stamps path, then the keys recomputed).
    await s.write([
      eventWrite(s.portalId, s.companies, byId(acme.id), { timestamp: minute(5) }),
      eventWrite(s.portalId, s.companies, byId(acme.id), {
        timestamp: minute(6),
        stamps: { domain: 'Acme-New.example' },
      }),
    ]);
    assert.ok(await s.store.archiveRecord(s.portalId, 'contacts', cid.id));
    await bothPhases(backend, s.store, async (phase) => {
      assert.deepEqual(await s.search('new.'), [bob.id, ada.id], phase);
      assert.deepEqual(await s.search('ada@new'), [ada.id], phase);
      assert.deepEqual(await s.search('old.'), [], phase);
      assert.deepEqual(await s.search('ada@old'), [], phase);
      assert.deepEqual(await s.search(cid.id), [], phase);
      assert.deepEqual(await s.search('acme-new', { objectType: 'companies' }), [acme.id], phase);
      assert.deepEqual(await s.search('acme-old', { objectType: 'companies' }), [], phase);
    });
  });
});
