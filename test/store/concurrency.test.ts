/**
 * Store conformance under concurrency: several stores (separate connections or pools, as separate
 * server processes would have) on one database, writing at once. Where a backend runs its writes
 * one at a time (SQLite), these still hold; on PostgreSQL they exercise the races for real.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { EventWriteResult, Store } from '../../src/domain/store.js';
import type { EventTemplate } from '../../src/domain/types.js';
import { webinarNewTemplate } from '../helpers/webinar-template.js';
import { type Backend, eachBackend, needsSharedDatabase, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

const options = { autoCreateRecords: false, now: T0 };

async function twoStores(
  t: TestContext,
  backend: Backend,
): Promise<{ a: Store; b: Store; portalId: number; template: EventTemplate }> {
  const database = backend.shared();
  const a = await openStore(t, database);
  const b = await openStore(t, database);
  const { portalId, appId } = uniqueIds();
  return { a, b, portalId, template: await storedTemplate(a, appId) };
}

function succeeded(results: EventWriteResult[]): Extract<EventWriteResult, { ok: true }>[] {
  return results.map((r) => {
    assert.ok(r.ok, JSON.stringify(r));
    return r;
  });
}

eachBackend((backend) => {
  const skip = needsSharedDatabase(backend);

  test('two stores creating the same new contacts by email at once end with one contact per email', {
    skip,
  }, async (t) => {
    const { a, b, portalId, template } = await twoStores(t, backend);
    const emails = Array.from({ length: 20 }, (_, i) => `same-${i}@example.com`);
    const batch = (prefix: string) =>
      emails.map((email) =>
        eventWrite(portalId, template, { by: 'email', email }, { id: `${prefix}-${email}` }),
      );
    // The two batches take the emails in opposite orders, the case where row locks can deadlock.
    const [fromA, fromB] = await Promise.all([
      a.writeEvents(batch('a'), options),
      b.writeEvents(batch('b').reverse(), options),
    ]);
    const ids = new Map<string, string>();
    for (const result of [...succeeded(fromA), ...succeeded(fromB)]) {
      const email = result.event.email as string;
      assert.equal(
        ids.get(email) ?? result.event.objectId,
        result.event.objectId,
        `one contact for ${email}`,
      );
      ids.set(email, result.event.objectId);
    }
    const listed = await a.listRecords(portalId, 'contacts', 100);
    assert.equal(listed.records.length, emails.length);
  });

  test('opposite-order batches on the per-event path (utk + email) all succeed, one contact per email', {
    skip,
  }, async (t) => {
    const { a, b, portalId, template } = await twoStores(t, backend);
    const emails = Array.from({ length: 10 }, (_, i) => `opposite-${i}@example.com`);
    // utk + email may change an email, so each event finds or creates its contact itself, in input
    // order: the two batches lock the same rows in opposite orders (deadlocks, then retries).
    const batch = (prefix: string) =>
      emails.map((email) => eventWrite(portalId, template, { by: 'utk', utk: `${prefix}-${email}`, email }));
    const results = await Promise.all([
      a.writeEvents(batch('a'), options),
      b.writeEvents(batch('b').reverse(), options),
    ]);
    const ids = new Map<string, string>();
    for (const result of succeeded(results.flat())) {
      const email = result.event.email as string;
      assert.equal(
        ids.get(email) ?? result.event.objectId,
        result.event.objectId,
        `one contact for ${email}`,
      );
      ids.set(email, result.event.objectId);
    }
    assert.equal((await a.listRecords(portalId, 'contacts', 100)).records.length, emails.length);
  });

  // On PostgreSQL such batches lock their records in one sorted statement (no deadlock).
  test('opposite-order batches stamping the same contacts all succeed, and no stamp is lost', {
    skip,
  }, async (t) => {
    const { a, b, portalId, template } = await twoStores(t, backend);
    const emails = Array.from({ length: 20 }, (_, i) => `stamp-race-${i}@example.com`);
    for (const email of emails) assert.ok((await a.createRecord(portalId, 'contacts', { email }, T0)).ok);
    const batch = (store: 'a' | 'b', round: number) =>
      emails.map((email) =>
        eventWrite(
          portalId,
          template,
          { by: 'email', email },
          { stamps: { [`by_${store}`]: String(round) } },
        ),
      );
    for (let round = 1; round <= 3; round++) {
      succeeded(
        (
          await Promise.all([
            a.writeEvents(batch('a', round), options),
            b.writeEvents(batch('b', round).reverse(), options),
          ])
        ).flat(),
      );
    }
    for (const email of emails) {
      const contact = await a.findContactByEmail(portalId, email);
      assert.deepEqual(contact?.properties, { email, by_a: '3', by_b: '3' });
    }
  });

  test('the same event id from two stores at once is stored once', { skip }, async (t) => {
    const { a, b, portalId, template } = await twoStores(t, backend);
    for (let round = 0; round < 10; round++) {
      const write = eventWrite(
        portalId,
        template,
        { by: 'email', email: `race-${round}@example.com` },
        { id: `race-${round}` },
      );
      const results = (
        await Promise.all([a.writeEvents([write], options), b.writeEvents([write], options)])
      ).flat();
      const ok = succeeded(results);
      assert.deepEqual(
        ok.map((r) => r.replayed).sort(),
        [false, true],
        'one write stores it, the other is a replay',
      );
      assert.deepEqual(ok[0]?.event, ok[1]?.event);
      // Different content under one id: exactly one wins, the other is EVENT_ID_IN_USE.
      const mine = eventWrite(
        portalId,
        template,
        { by: 'email', email: 'x@example.com' },
        { id: `clash-${round}`, fingerprint: 'a' },
      );
      const theirs = { ...mine, fingerprint: 'b' };
      const clash = (
        await Promise.all([a.writeEvents([mine], options), b.writeEvents([theirs], options)])
      ).flat();
      assert.equal(clash.filter((r) => r.ok).length, 1);
      assert.deepEqual(
        clash.find((r) => !r.ok),
        { ok: false, code: 'EVENT_ID_IN_USE', params: { id: `clash-${round}` } },
      );
    }
  });

  test('two stores auto-creating the same objectId at once make one record', { skip }, async (t) => {
    const { a, b, portalId } = await twoStores(t, backend);
    const deals = await storedTemplate(a, uniqueIds().appId, 'deals');
    const objectId = String(700_000_000 + portalId);
    const write = (store: Store, prefix: string) =>
      store.writeEvents(
        Array.from({ length: 5 }, (_, i) =>
          eventWrite(portalId, deals, { by: 'objectId', objectId }, { id: `${prefix}${i}` }),
        ),
        { autoCreateRecords: true, now: T0 },
      );
    const results = (await Promise.all([write(a, 'a'), write(b, 'b')])).flat();
    assert.ok(succeeded(results).every((r) => r.event.objectId === objectId));
    assert.deepEqual(
      (await a.listRecords(portalId, 'deals', 10)).records.map((r) => r.id),
      [objectId],
    );
  });

  test('stamps from two stores on one record at once: no update is lost', { skip }, async (t) => {
    const { a, b, portalId, template } = await twoStores(t, backend);
    const contact = await a.createRecord(portalId, 'contacts', { email: 'stamped@example.com' }, T0);
    assert.ok(contact.ok);
    const write = (store: Store, i: number) =>
      store.writeEvents(
        [
          eventWrite(
            portalId,
            template,
            { by: 'email', email: 'stamped@example.com' },
            { stamps: { [`p${i}`]: String(i) } },
          ),
        ],
        options,
      );
    succeeded((await Promise.all(Array.from({ length: 8 }, (_, i) => write(i % 2 ? a : b, i)))).flat());
    const record = await a.getRecord(portalId, 'contacts', contact.record.id);
    assert.deepEqual(Object.keys(record?.properties ?? {}).sort(), [
      'email',
      'p0',
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      'p6',
      'p7',
    ]);
  });

  test('the per-app template limit holds across stores: 5 inserts at once with maxPerApp=3 give 3', {
    skip,
  }, async (t) => {
    const database = backend.shared();
    const stores = await Promise.all(Array.from({ length: 5 }, () => openStore(t, database)));
    const { appId } = uniqueIds();
    const results = await Promise.all(
      stores.map((store, i) => store.insertTemplate(appId, webinarNewTemplate(T0, { name: `T${i}` }), 3)),
    );
    assert.equal(results.filter((r) => !('ok' in r)).length, 3);
    assert.equal((await stores[0]?.listTemplates(appId))?.length, 3);
  });
});
