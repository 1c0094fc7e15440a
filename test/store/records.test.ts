/** Store conformance: CRM records (create, contact email uniqueness, get, update, archive, list). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordWriteResult } from '../../src/domain/store.js';
import type { CrmRecord } from '../../src/domain/types.js';
import { eachBackend, openStore, uniqueIds } from './backends.js';
import { T0 } from './event-writes.js';

function created(result: RecordWriteResult): CrmRecord {
  if (!result.ok) throw new Error(`expected a record, got ${result.code}`);
  return result.record;
}

eachBackend((backend) => {
  test('create answers the record; get reads it back; other portals and types do not see it', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const record = created(
      await store.createRecord(portalId, 'contacts', { firstname: 'Ada', email: 'ada@example.com' }, T0),
    );
    assert.match(record.id, /^\d+$/);
    assert.deepEqual(record, {
      id: record.id,
      objectType: 'contacts',
      properties: { firstname: 'Ada', email: 'ada@example.com' },
      createdAt: T0,
      updatedAt: T0,
    });
    assert.deepEqual(await store.getRecord(portalId, 'contacts', record.id), record);
    assert.equal(await store.getRecord(portalId + 1, 'contacts', record.id), undefined);
    assert.equal(await store.getRecord(portalId, 'companies', record.id), undefined);
    assert.equal(await store.getRecord(portalId, 'contacts', 'abc'), undefined);
  });

  test('generated ids are distinct', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++)
      ids.add(created(await store.createRecord(portalId, 'deals', { dealname: `D${i}` }, T0)).id);
    assert.equal(ids.size, 5);
  });

  test('contact emails are unique per portal, compared without case or surrounding space', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const first = created(await store.createRecord(portalId, 'contacts', { email: 'Grace@Example.com' }, T0));
    assert.deepEqual(await store.createRecord(portalId, 'contacts', { email: '  grace@EXAMPLE.com ' }, T0), {
      ok: false,
      code: 'CONTACT_EXISTS',
      params: { existingId: Number(first.id) },
    });
    // Another portal, and other object types, may use the same email.
    created(await store.createRecord(portalId + 1, 'contacts', { email: 'grace@example.com' }, T0));
    created(await store.createRecord(portalId, 'companies', { email: 'grace@example.com' }, T0));
    created(await store.createRecord(portalId, 'companies', { email: 'grace@example.com' }, T0));
  });

  test('findContactByEmail matches without case or surrounding space, within the portal', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const contact = created(
      await store.createRecord(portalId, 'contacts', { email: 'Linus@Example.org' }, T0),
    );
    assert.deepEqual(await store.findContactByEmail(portalId, ' linus@example.ORG '), contact);
    assert.equal(await store.findContactByEmail(portalId, 'nobody@example.org'), undefined);
    assert.equal(await store.findContactByEmail(portalId + 1, 'linus@example.org'), undefined);
  });

  test('update merges properties and stamps updatedAt', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const record = created(
      await store.createRecord(portalId, 'companies', { name: 'Acme', city: 'Paris' }, T0),
    );
    const updated = created(
      await store.updateRecord(portalId, 'companies', record.id, { city: 'Lyon', size: '10' }, T0 + 1),
    );
    assert.deepEqual(updated, {
      ...record,
      properties: { name: 'Acme', city: 'Lyon', size: '10' },
      updatedAt: T0 + 1,
    });
    assert.deepEqual(await store.getRecord(portalId, 'companies', record.id), updated);
  });

  test('update of a missing record is CRM_OBJECT_NOT_FOUND', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    assert.deepEqual(await store.updateRecord(portalId, 'contacts', '987654321', { a: 'b' }, T0), {
      ok: false,
      code: 'CRM_OBJECT_NOT_FOUND',
      params: { id: '987654321' },
    });
  });

  test("a contact's email: changing its case is fine, taking another contact's is CONTACT_EXISTS", async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const a = created(await store.createRecord(portalId, 'contacts', { email: 'a@example.com' }, T0));
    const b = created(await store.createRecord(portalId, 'contacts', { email: 'b@example.com' }, T0));
    assert.deepEqual(
      await store.updateRecord(portalId, 'contacts', b.id, { email: 'A@example.com' }, T0 + 1),
      {
        ok: false,
        code: 'CONTACT_EXISTS',
        params: { existingId: Number(a.id) },
      },
    );
    assert.deepEqual(await store.getRecord(portalId, 'contacts', b.id), b);
    const recased = created(
      await store.updateRecord(portalId, 'contacts', b.id, { email: 'B@Example.com' }, T0 + 1),
    );
    assert.equal(recased.properties.email, 'B@Example.com');
    // The old email is free once changed.
    created(await store.updateRecord(portalId, 'contacts', a.id, { email: 'a2@example.com' }, T0 + 2));
    created(await store.createRecord(portalId, 'contacts', { email: 'a@example.com' }, T0 + 3));
    assert.equal((await store.findContactByEmail(portalId, 'b@example.com'))?.id, b.id);
  });

  test('archive removes the record once', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const record = created(await store.createRecord(portalId, 'tickets', { subject: 'Help' }, T0));
    assert.equal(await store.archiveRecord(portalId + 1, 'tickets', record.id), false);
    assert.equal(await store.archiveRecord(portalId, 'tickets', record.id), true);
    assert.equal(await store.getRecord(portalId, 'tickets', record.id), undefined);
    assert.equal(await store.archiveRecord(portalId, 'tickets', record.id), false);
    assert.equal(await store.archiveRecord(portalId, 'tickets', 'abc'), false);
  });

  test('an archived contact frees its email', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const record = created(await store.createRecord(portalId, 'contacts', { email: 'gone@example.com' }, T0));
    await store.archiveRecord(portalId, 'contacts', record.id);
    assert.equal(await store.findContactByEmail(portalId, 'gone@example.com'), undefined);
    created(await store.createRecord(portalId, 'contacts', { email: 'gone@example.com' }, T0));
  });

  test('list pages by id with an `after` cursor, within the portal and object type', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const records: CrmRecord[] = [];
    for (let i = 0; i < 5; i++)
      records.push(created(await store.createRecord(portalId, 'deals', { n: String(i) }, T0)));
    await store.createRecord(portalId, 'companies', { n: 'other type' }, T0);
    await store.createRecord(portalId + 1, 'deals', { n: 'other portal' }, T0);
    const first = await store.listRecords(portalId, 'deals', 2);
    assert.deepEqual(first, { records: records.slice(0, 2), after: records[1]?.id });
    const second = await store.listRecords(portalId, 'deals', 2, first.after);
    assert.deepEqual(second, { records: records.slice(2, 4), after: records[3]?.id });
    const last = await store.listRecords(portalId, 'deals', 2, second.after);
    assert.deepEqual(last, { records: records.slice(4) });
    assert.deepEqual(await store.listRecords(portalId, 'deals', 5), { records });
    assert.deepEqual(await store.listRecords(portalId, 'tickets', 5), { records: [] });
  });
});
