/**
 * Store conformance: the web UI's reads. When each record property was last set (by the CRM API,
 * by an event's stamps, one event at a time or a batch at once), templates of every app in pages,
 * and a template's events counted no further than a cap.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PropertyTime, Store } from '../../src/domain/store.js';
import { eachBackend, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

const T1 = T0 + 60_000;
const T2 = T0 + 120_000;
const T3 = T0 + 180_000;

/** The times as a map, for comparing (the store answers them in no particular order). */
async function times(store: Store, portalId: number, objectType: string, id: string) {
  const found = await store.recordPropertyTimes(portalId, objectType, id);
  return found && Object.fromEntries(found.map((t: PropertyTime) => [t.name, t.setAt]));
}

eachBackend((backend) => {
  test('a record property is set when it is created, and again only when a write changes it', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const created = await store.createRecord(
      portalId,
      'contacts',
      { firstname: 'Ada', email: 'a@x.example' },
      T0,
    );
    assert.ok(created.ok);
    const { id } = created.record;
    assert.deepEqual(await times(store, portalId, 'contacts', id), { firstname: T0, email: T0 });
    await store.updateRecord(portalId, 'contacts', id, { firstname: 'Augusta', email: 'a@x.example' }, T1);
    assert.deepEqual(await times(store, portalId, 'contacts', id), { firstname: T1, email: T0 });
    // The same value again is no write: the time stays.
    await store.updateRecord(portalId, 'contacts', id, { firstname: 'Augusta', lastname: 'King' }, T2);
    assert.deepEqual(await times(store, portalId, 'contacts', id), {
      firstname: T1,
      email: T0,
      lastname: T2,
    });
    assert.equal(await store.recordPropertyTimes(portalId + 1, 'contacts', id), undefined);
    assert.equal(await store.recordPropertyTimes(portalId, 'companies', id), undefined);
    assert.equal(await store.recordPropertyTimes(portalId, 'contacts', 'abc'), undefined);
  });

  test("an event's stamps set the properties they change, in a batch or one by one", async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId } = uniqueIds();
    const template = await storedTemplate(store, appId);
    const created = await store.createRecord(
      portalId,
      'contacts',
      { email: 'b@x.example', plan: 'free' },
      T0,
    );
    assert.ok(created.ok);
    const { id } = created.record;
    const byId = { by: 'objectId' as const, objectId: id };
    // Two events of one batch on a record it knows: PostgreSQL stamps such a batch in one statement.
    const batch = await store.writeEvents(
      [
        eventWrite(portalId, template, byId, { stamps: { plan: 'pro' } }),
        eventWrite(portalId, template, byId, { stamps: { seats: '3', plan: 'pro' } }),
      ],
      { autoCreateRecords: false, now: T1 },
    );
    assert.ok(batch.every((r) => r.ok));
    assert.deepEqual(await times(store, portalId, 'contacts', id), { email: T0, plan: T1, seats: T1 });
    const again = await store.writeEvents(
      [eventWrite(portalId, template, byId, { stamps: { seats: '3' } })],
      {
        autoCreateRecords: false,
        now: T2,
      },
    );
    assert.ok(again[0]?.ok);
    assert.deepEqual(await times(store, portalId, 'contacts', id), { email: T0, plan: T1, seats: T1 });
    // A contact an event creates by email has its stamps from that moment.
    const [fresh] = await store.writeEvents(
      [eventWrite(portalId, template, { by: 'email', email: 'c@x.example' }, { stamps: { plan: 'pro' } })],
      { autoCreateRecords: true, now: T3 },
    );
    assert.ok(fresh?.ok);
    assert.deepEqual(await times(store, portalId, 'contacts', fresh.event.objectId), { email: T3, plan: T3 });
  });

  test('templates of every app in pages, by app then id; or of one app', async (t) => {
    const store = await openStore(t, backend.fresh());
    const { appId } = uniqueIds();
    const other = appId + 1_000;
    const a1 = await storedTemplate(store, appId);
    const b1 = await storedTemplate(store, other);
    const a2 = await storedTemplate(store, appId, 'companies');
    const first = await store.listTemplatePage({ limit: 2 });
    assert.deepEqual(
      first.templates.map((x) => x.id),
      [a1.id, a2.id],
    );
    assert.deepEqual(first.next, { appId, id: a2.id });
    const second = await store.listTemplatePage({ limit: 2, ...(first.next ? { after: first.next } : {}) });
    assert.deepEqual(
      second.templates.map((x) => x.id),
      [b1.id],
    );
    assert.equal(second.next, undefined);
    const own = await store.listTemplatePage({ appId: other, limit: 10 });
    assert.deepEqual(
      own.templates.map((x) => [x.id, x.appId]),
      [[b1.id, other]],
    );
  });

  test("a template's events of one portal, counted up to a cap, with the newest", async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId } = uniqueIds();
    const template = await storedTemplate(store, appId);
    const other = await storedTemplate(store, appId);
    const ref = { by: 'email' as const, email: 'd@x.example' };
    const results = await store.writeEvents(
      [
        eventWrite(portalId, template, ref, { id: 'old', timestamp: T0 }),
        eventWrite(portalId, template, ref, { id: 'newest', timestamp: T2 }),
        eventWrite(portalId, template, ref, { id: 'middle', timestamp: T1 }),
        eventWrite(portalId, other, ref, { id: 'elsewhere', timestamp: T3 }),
        eventWrite(portalId + 1, template, ref, { id: 'foreign', timestamp: T3 }),
      ],
      { autoCreateRecords: true, now: T0 },
    );
    assert.ok(results.every((r) => r.ok));
    const all = await store.sampleTemplateEvents(portalId, template.id, 10);
    assert.equal(all.count, 3);
    assert.equal(all.newest?.id, 'newest');
    assert.equal(all.newest?.timestamp, T2);
    const capped = await store.sampleTemplateEvents(portalId, template.id, 2);
    assert.equal(capped.count, 2);
    assert.ok(capped.newest);
    assert.deepEqual(await store.sampleTemplateEvents(portalId + 2, template.id, 10), { count: 0 });
    assert.deepEqual(await store.sampleTemplateEvents(portalId, '99999999', 10), { count: 0 });
    assert.deepEqual(await store.sampleTemplateEvents(portalId, 'abc', 10), { count: 0 });
  });
});
