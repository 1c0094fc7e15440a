/**
 * Store conformance: writing events, each `RecordRef` kind, property stamps, and the per-event
 * all-or-nothing of a batch.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { EventWrite, EventWriteResult, RecordWriteResult, Store } from '../../src/domain/store.js';
import type { CrmRecord, EventTemplate } from '../../src/domain/types.js';
import { type Backend, eachBackend, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

const NOW = T0 + 60_000;

interface Setup {
  store: Store;
  portalId: number;
  contacts: EventTemplate;
  companies: EventTemplate;
  deals: EventTemplate;
  write(writes: EventWrite[], autoCreateRecords?: boolean): Promise<EventWriteResult[]>;
  writeOne(write: EventWrite, autoCreateRecords?: boolean): Promise<EventWriteResult>;
}

async function setup(t: TestContext, backend: Backend): Promise<Setup> {
  const store = await openStore(t, backend.shared());
  const { portalId, appId } = uniqueIds();
  const write = (writes: EventWrite[], autoCreateRecords = false) =>
    store.writeEvents(writes, { autoCreateRecords, now: NOW });
  return {
    store,
    portalId,
    contacts: await storedTemplate(store, appId, 'contacts'),
    companies: await storedTemplate(store, appId, 'companies'),
    deals: await storedTemplate(store, appId, 'deals'),
    write,
    writeOne: async (w, autoCreate) => (await write([w], autoCreate))[0] as EventWriteResult,
  };
}

function created(result: RecordWriteResult): CrmRecord {
  if (!result.ok) throw new Error(`expected a record, got ${result.code}`);
  return result.record;
}

/** The result is a success whose event is the one written, on record `objectId`; answers the event. */
function assertWritten(result: EventWriteResult | undefined, write: EventWrite, objectId?: string) {
  assert.ok(result?.ok, `expected success, got ${JSON.stringify(result)}`);
  assert.equal(result.replayed, false);
  if (objectId !== undefined) assert.equal(result.event.objectId, objectId);
  assert.deepEqual(result.event, { ...write.event, objectId: result.event.objectId });
  return result.event;
}

eachBackend((backend) => {
  test('objectId of an existing record: the event is stored on it', async (t) => {
    const s = await setup(t, backend);
    const deal = created(await s.store.createRecord(s.portalId, 'deals', { dealname: 'Big' }, T0));
    const write = eventWrite(s.portalId, s.deals, { by: 'objectId', objectId: deal.id });
    const event = assertWritten(await s.writeOne(write), write, deal.id);
    assert.deepEqual(await s.store.getEvent(s.portalId, s.deals.id, write.event.id), event);
  });

  test('objectId of a missing record is RECORD_NOT_FOUND (also when not numeric)', async (t) => {
    const s = await setup(t, backend);
    for (const objectId of ['424242424', 'abc']) {
      const write = eventWrite(s.portalId, s.deals, { by: 'objectId', objectId });
      assert.deepEqual(await s.writeOne(write), {
        ok: false,
        code: 'RECORD_NOT_FOUND',
        params: { objectType: 'deals', objectId },
      });
      assert.equal(await s.store.getEvent(s.portalId, s.deals.id, write.event.id), undefined);
    }
    // Not numeric: not created even when records are auto-created.
    const write = eventWrite(s.portalId, s.deals, { by: 'objectId', objectId: 'abc' });
    assert.equal((await s.writeOne(write, true)).ok, false);
  });

  test('objectId of a missing record with autoCreateRecords: created with that id, generated ids stay above it', async (t) => {
    const s = await setup(t, backend);
    const objectId = String(900_000_000 + uniqueIds().portalId);
    const write = eventWrite(s.portalId, s.deals, { by: 'objectId', objectId });
    assertWritten(await s.writeOne(write, true), write, objectId);
    const record = await s.store.getRecord(s.portalId, 'deals', objectId);
    assert.deepEqual(record, {
      id: objectId,
      objectType: 'deals',
      properties: {},
      createdAt: NOW,
      updatedAt: NOW,
    });
    const next = created(await s.store.createRecord(s.portalId, 'deals', {}, T0));
    assert.ok(Number(next.id) > Number(objectId), `generated id ${next.id} must be above ${objectId}`);
    // The same objectId again finds the record it created.
    const again = eventWrite(s.portalId, s.deals, { by: 'objectId', objectId });
    assertWritten(await s.writeOne(again, true), again, objectId);
  });

  test("objectId + email sets the contact's email; an email of another contact is EMAIL_IN_USE", async (t) => {
    const s = await setup(t, backend);
    const contact = created(await s.store.createRecord(s.portalId, 'contacts', { firstname: 'Ada' }, T0));
    const other = created(
      await s.store.createRecord(s.portalId, 'contacts', { email: 'taken@example.com' }, T0),
    );
    const write = eventWrite(s.portalId, s.contacts, {
      by: 'objectId',
      objectId: contact.id,
      email: 'ada@example.com',
    });
    assertWritten(await s.writeOne(write), write, contact.id);
    assert.deepEqual((await s.store.getRecord(s.portalId, 'contacts', contact.id))?.properties, {
      firstname: 'Ada',
      email: 'ada@example.com',
    });
    assert.equal((await s.store.findContactByEmail(s.portalId, 'ADA@example.com'))?.id, contact.id);
    const clash = eventWrite(s.portalId, s.contacts, {
      by: 'objectId',
      objectId: contact.id,
      email: 'Taken@example.com',
    });
    assert.deepEqual(await s.writeOne(clash), {
      ok: false,
      code: 'EMAIL_IN_USE',
      params: { email: 'Taken@example.com', existingId: Number(other.id) },
    });
    assert.equal(
      (await s.store.getRecord(s.portalId, 'contacts', contact.id))?.properties.email,
      'ada@example.com',
    );
  });

  test("company objectId + domain sets the company's domain; email on a deal changes nothing", async (t) => {
    const s = await setup(t, backend);
    const company = created(await s.store.createRecord(s.portalId, 'companies', { name: 'Acme' }, T0));
    const write = eventWrite(s.portalId, s.companies, {
      by: 'objectId',
      objectId: company.id,
      domain: 'acme.test',
    });
    const event = assertWritten(await s.writeOne(write), write, company.id);
    assert.equal(event.domain, 'acme.test');
    const record = await s.store.getRecord(s.portalId, 'companies', company.id);
    assert.deepEqual(record?.properties, { name: 'Acme', domain: 'acme.test' });
    assert.equal(record?.updatedAt, NOW);
    const deal = created(await s.store.createRecord(s.portalId, 'deals', { dealname: 'D' }, T0));
    const onDeal = eventWrite(s.portalId, s.deals, {
      by: 'objectId',
      objectId: deal.id,
      email: 'x@example.com',
    });
    assertWritten(await s.writeOne(onDeal), onDeal, deal.id);
    assert.deepEqual(await s.store.getRecord(s.portalId, 'deals', deal.id), deal);
  });

  test('utk unknown alone is UTK_NOT_FOUND', async (t) => {
    const s = await setup(t, backend);
    const write = eventWrite(s.portalId, s.contacts, { by: 'utk', utk: 'utk-unknown' });
    assert.deepEqual(await s.writeOne(write), {
      ok: false,
      code: 'UTK_NOT_FOUND',
      params: { utk: 'utk-unknown' },
    });
  });

  test('utk unknown + email binds the utk to the contact found or created by that email', async (t) => {
    const s = await setup(t, backend);
    const existing = created(
      await s.store.createRecord(s.portalId, 'contacts', { email: 'known@example.com' }, T0),
    );
    const bindExisting = eventWrite(s.portalId, s.contacts, {
      by: 'utk',
      utk: 'utk-1',
      email: 'KNOWN@example.com',
    });
    assertWritten(await s.writeOne(bindExisting), bindExisting, existing.id);
    const bindNew = eventWrite(s.portalId, s.contacts, { by: 'utk', utk: 'utk-2', email: 'new@example.com' });
    const event = assertWritten(await s.writeOne(bindNew), bindNew);
    const contact = await s.store.findContactByEmail(s.portalId, 'new@example.com');
    assert.equal(contact?.id, event.objectId);
    // Both utks are now known alone.
    for (const [utk, id] of [
      ['utk-1', existing.id],
      ['utk-2', event.objectId],
    ] as const) {
      const alone = eventWrite(s.portalId, s.contacts, { by: 'utk', utk });
      assertWritten(await s.writeOne(alone), alone, id);
    }
  });

  test("a known utk + email sets that contact's email", async (t) => {
    const s = await setup(t, backend);
    const bind = eventWrite(s.portalId, s.contacts, { by: 'utk', utk: 'utk-3', email: 'first@example.com' });
    const { objectId } = assertWritten(await s.writeOne(bind), bind);
    const change = eventWrite(s.portalId, s.contacts, {
      by: 'utk',
      utk: 'utk-3',
      email: 'second@example.com',
    });
    assertWritten(await s.writeOne(change), change, objectId);
    assert.equal((await s.store.findContactByEmail(s.portalId, 'second@example.com'))?.id, objectId);
    assert.equal(await s.store.findContactByEmail(s.portalId, 'first@example.com'), undefined);
  });

  test('email finds the contact (without case) or creates it', async (t) => {
    const s = await setup(t, backend);
    const existing = created(
      await s.store.createRecord(s.portalId, 'contacts', { email: 'Found@example.com' }, T0),
    );
    const found = eventWrite(s.portalId, s.contacts, { by: 'email', email: 'found@EXAMPLE.com' });
    assertWritten(await s.writeOne(found), found, existing.id);
    const fresh = eventWrite(s.portalId, s.contacts, { by: 'email', email: 'Fresh@example.com' });
    const event = assertWritten(await s.writeOne(fresh), fresh);
    assert.deepEqual(await s.store.getRecord(s.portalId, 'contacts', event.objectId), {
      id: event.objectId,
      objectType: 'contacts',
      properties: { email: 'Fresh@example.com' },
      createdAt: NOW,
      updatedAt: NOW,
    });
    // Later events of the batch see the contact an earlier one created: one contact, not two.
    const [a, b] = await s.write([
      eventWrite(s.portalId, s.contacts, { by: 'email', email: 'batch@example.com' }),
      eventWrite(s.portalId, s.contacts, { by: 'email', email: 'BATCH@example.com' }),
    ]);
    assert.ok(a?.ok && b?.ok);
    assert.equal(a.event.objectId, b.event.objectId);
  });

  test('stamps are written to the resolved record with the event', async (t) => {
    const s = await setup(t, backend);
    const contact = created(
      await s.store.createRecord(s.portalId, 'contacts', { email: 's@example.com', a: '1' }, T0),
    );
    const write = eventWrite(
      s.portalId,
      s.contacts,
      { by: 'email', email: 's@example.com' },
      { tokens: { webinarName: 'Intro', tier: 'paid' }, stamps: { last_webinar: 'Intro', a: '2' } },
    );
    assertWritten(await s.writeOne(write), write, contact.id);
    assert.deepEqual(await s.store.getRecord(s.portalId, 'contacts', contact.id), {
      ...contact,
      properties: { email: 's@example.com', a: '2', last_webinar: 'Intro' },
      updatedAt: NOW,
    });
  });

  test('stamps within one batch see the changes of earlier events: a value stamped back is written', async (t) => {
    const s = await setup(t, backend);
    const contact = created(
      await s.store.createRecord(s.portalId, 'contacts', { email: 'b@example.com', a: '0' }, T0),
    );
    const ref = { by: 'email', email: 'b@example.com' } as const;
    const results = await s.store.writeEvents(
      [
        eventWrite(s.portalId, s.contacts, ref, { id: 'e1', stamps: { a: '1' } }),
        eventWrite(s.portalId, s.contacts, ref, { id: 'e2', stamps: { a: '0' } }),
        eventWrite(s.portalId, s.contacts, ref, { id: 'e3', stamps: { a: '0' } }),
      ],
      { autoCreateRecords: false, now: NOW },
    );
    assert.ok(results.every((r) => r.ok));
    const stored = await s.store.getRecord(s.portalId, 'contacts', contact.id);
    assert.deepEqual(stored?.properties, { email: 'b@example.com', a: '0' });
    assert.equal(stored?.updatedAt, NOW);
  });

  test('a new contact by email is created with the stamps; stamping the same values again changes nothing', async (t) => {
    const s = await setup(t, backend);
    const write = (now: number, stamps: Record<string, string>) =>
      s.store.writeEvents(
        [eventWrite(s.portalId, s.contacts, { by: 'email', email: 'New@example.com' }, { stamps })],
        { autoCreateRecords: false, now },
      );
    const [first] = await write(NOW, { last_webinar: 'Intro' });
    assert.ok(first?.ok);
    const created = {
      id: first.event.objectId,
      objectType: 'contacts',
      properties: { last_webinar: 'Intro', email: 'New@example.com' },
      createdAt: NOW,
      updatedAt: NOW,
    };
    assert.deepEqual(await s.store.getRecord(s.portalId, 'contacts', first.event.objectId), created);
    // The same value later: no write, updatedAt stays.
    assert.ok((await write(NOW + 1000, { last_webinar: 'Intro' }))[0]?.ok);
    assert.deepEqual(await s.store.getRecord(s.portalId, 'contacts', first.event.objectId), created);
    assert.ok((await write(NOW + 2000, { last_webinar: 'Deep dive' }))[0]?.ok);
    assert.deepEqual(await s.store.getRecord(s.portalId, 'contacts', first.event.objectId), {
      ...created,
      properties: { last_webinar: 'Deep dive', email: 'New@example.com' },
      updatedAt: NOW + 2000,
    });
  });

  test('ids in another than canonical decimal form name nothing (0123 is not 123)', async (t) => {
    const s = await setup(t, backend);
    const deal = created(await s.store.createRecord(s.portalId, 'deals', { dealname: 'D' }, T0));
    for (const id of [`0${deal.id}`, `+${deal.id}`, ` ${deal.id}`, `${deal.id}.0`]) {
      assert.equal(await s.store.getRecord(s.portalId, 'deals', id), undefined, id);
      assert.equal(await s.store.archiveRecord(s.portalId, 'deals', id), false, id);
      const write = eventWrite(s.portalId, s.deals, { by: 'objectId', objectId: id });
      assert.deepEqual(await s.writeOne(write, true), {
        ok: false,
        code: 'RECORD_NOT_FOUND',
        params: { objectType: 'deals', objectId: id },
      });
    }
    const stored = eventWrite(
      s.portalId,
      s.deals,
      { by: 'objectId', objectId: deal.id },
      { id: 'canonical' },
    );
    assert.ok((await s.writeOne(stored)).ok);
    assert.equal(await s.store.getEvent(s.portalId, `0${s.deals.id}`, 'canonical'), undefined);
    assert.equal(await s.store.getTemplate(`0${s.deals.id}`), undefined);
    assert.equal(await s.store.deleteTemplate(s.deals.appId, `0${s.deals.id}`), false);
    assert.ok(await s.store.getTemplate(s.deals.id));
  });

  test('a failing event in the middle of a batch rolls back only its own record changes', async (t) => {
    const s = await setup(t, backend);
    const taken = created(
      await s.store.createRecord(s.portalId, 'contacts', { email: 'taken@example.com' }, T0),
    );
    const autoId = String(800_000_000 + uniqueIds().portalId);
    const writes = [
      eventWrite(s.portalId, s.contacts, { by: 'email', email: 'first@example.com' }, { stamps: { n: '1' } }),
      // Creates its contact, then its stamp takes an email in use: the contact must not remain.
      eventWrite(
        s.portalId,
        s.contacts,
        { by: 'email', email: 'rolled-back@example.com' },
        { stamps: { email: 'taken@example.com' } },
      ),
      // Auto-creates the record, then fails to set its email: the record must not remain.
      eventWrite(s.portalId, s.contacts, { by: 'objectId', objectId: autoId, email: 'taken@example.com' }),
      // Binds a utk to a new contact, then its stamp fails: neither binding nor contact remains.
      eventWrite(
        s.portalId,
        s.contacts,
        { by: 'utk', utk: 'utk-rb', email: 'rb2@example.com' },
        { stamps: { email: 'taken@example.com' } },
      ),
      eventWrite(s.portalId, s.contacts, { by: 'email', email: 'last@example.com' }),
    ];
    const results = await s.write(writes, true);
    assert.equal(results.length, 5);
    assertWritten(results[0], writes[0] as EventWrite);
    assert.deepEqual(results[1], {
      ok: false,
      code: 'CONTACT_EXISTS',
      params: { existingId: Number(taken.id) },
    });
    assert.deepEqual(results[2], {
      ok: false,
      code: 'EMAIL_IN_USE',
      params: { email: 'taken@example.com', existingId: Number(taken.id) },
    });
    assert.deepEqual(results[3], {
      ok: false,
      code: 'CONTACT_EXISTS',
      params: { existingId: Number(taken.id) },
    });
    assertWritten(results[4], writes[4] as EventWrite);
    assert.equal(await s.store.findContactByEmail(s.portalId, 'rolled-back@example.com'), undefined);
    assert.equal(await s.store.findContactByEmail(s.portalId, 'rb2@example.com'), undefined);
    assert.equal(await s.store.getRecord(s.portalId, 'contacts', autoId), undefined);
    assert.deepEqual((await s.store.findContactByEmail(s.portalId, 'first@example.com'))?.properties, {
      email: 'first@example.com',
      n: '1',
    });
    assert.deepEqual(await s.store.getRecord(s.portalId, 'contacts', taken.id), taken);
    const utkAlone = eventWrite(s.portalId, s.contacts, { by: 'utk', utk: 'utk-rb' });
    assert.equal((await s.writeOne(utkAlone)).ok, false);
    for (const [i, write] of writes.entries()) {
      const stored = await s.store.getEvent(s.portalId, s.contacts.id, write.event.id);
      assert.equal(stored !== undefined, i === 0 || i === 4, `event ${i}`);
    }
  });

  // The SQLite writer caches contacts by email; a rolled-back contact must not be served.
  test('a contact rolled back with its event is created again by the next event of its email', async (t) => {
    const s = await setup(t, backend);
    await s.store.createRecord(s.portalId, 'contacts', { email: 'held@example.com' }, T0);
    const email = 'phantom@example.com';
    const writes = [
      // Creates the contact, then its stamp takes an email in use: the contact is rolled back.
      eventWrite(s.portalId, s.contacts, { by: 'email', email }, { stamps: { email: 'held@example.com' } }),
      eventWrite(s.portalId, s.contacts, { by: 'email', email }, { stamps: { n: '2' } }),
    ];
    const [failed, second] = await s.write(writes, true);
    assert.equal(failed?.ok, false);
    const event = assertWritten(second, writes[1] as EventWrite);
    const contact = await s.store.getRecord(s.portalId, 'contacts', event.objectId);
    assert.deepEqual(contact?.properties, { email, n: '2' });
    assert.deepEqual(await s.store.findContactByEmail(s.portalId, email), contact);
    // A later batch finds the same contact, which the record API can still change.
    const later = eventWrite(s.portalId, s.contacts, { by: 'email', email }, { stamps: { n: '3' } });
    assertWritten(await s.writeOne(later), later, event.objectId);
    await s.store.updateRecord(s.portalId, 'contacts', event.objectId, { email: 'moved@example.com' }, T0);
    const moved = eventWrite(s.portalId, s.contacts, { by: 'email', email });
    const fresh = assertWritten(await s.writeOne(moved, true), moved);
    assert.notEqual(fresh.objectId, event.objectId);
  });

  test('results keep the order of the writes', async (t) => {
    const s = await setup(t, backend);
    const writes = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 1
        ? eventWrite(s.portalId, s.contacts, { by: 'utk', utk: `missing-${i}` })
        : eventWrite(s.portalId, s.contacts, { by: 'email', email: `order-${i % 4}@example.com` }),
    );
    const results = await s.write(writes);
    results.forEach((result, i) => {
      if (i % 3 === 1)
        assert.deepEqual(result, { ok: false, code: 'UTK_NOT_FOUND', params: { utk: `missing-${i}` } });
      else assertWritten(result, writes[i] as EventWrite);
    });
    assert.deepEqual(await s.write([]), []);
  });
});
