/**
 * Store conformance for app events: app event types are event templates marked with
 * their uid, their occurrences ordinary events of them, and a batch written `atomic` is all or
 * nothing on every backend.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { EventWriteResult, Store } from '../../src/domain/store.js';
import type { EventTemplate } from '../../src/domain/types.js';
import { webinarNewTemplate } from '../helpers/webinar-template.js';
import { type Backend, eachBackend, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

const NOW = T0 + 60_000;

async function appEventType(store: Store, appId: number, uid: string): Promise<EventTemplate> {
  const result = await store.insertTemplate(
    appId,
    webinarNewTemplate(T0, { appEventUid: uid, tokens: [] }),
    750,
  );
  if ('ok' in result) throw new Error(`insertTemplate failed: ${result.code}`);
  return result;
}

async function setup(t: TestContext, backend: Backend) {
  const store = await openStore(t, backend.shared());
  const { portalId, appId } = uniqueIds();
  return { store, portalId, appId, type: await appEventType(store, appId, 'signup') };
}

function okEvent(result: EventWriteResult | undefined) {
  assert.ok(result?.ok, `expected success, got ${JSON.stringify(result)}`);
  return result.event;
}

eachBackend((backend) => {
  test('an app event type is found by its app and uid; a second of the same uid is refused', async (t) => {
    const s = await setup(t, backend);
    assert.equal(s.type.appEventUid, 'signup');
    assert.deepEqual(await s.store.findAppEventType(s.appId, 'signup'), s.type);
    assert.equal(await s.store.findAppEventType(s.appId + 1, 'signup'), undefined);
    assert.deepEqual(await s.store.getTemplate(s.type.id), s.type);
    const again = await s.store.insertTemplate(
      s.appId,
      webinarNewTemplate(T0, { appEventUid: 'signup' }),
      750,
    );
    assert.deepEqual(again, {
      ok: false,
      code: 'APP_EVENT_TYPE_EXISTS',
      params: { appId: s.appId, uid: 'signup' },
    });
    // v3 templates and app event types share one id sequence.
    const v3 = await storedTemplate(s.store, s.appId);
    assert.equal(v3.appEventUid, undefined);
    assert.ok(Number(v3.id) > Number(s.type.id));
  });

  test("a replace may change an app event type's name and objectType; templateHasEvents tells occurrences", async (t) => {
    const s = await setup(t, backend);
    assert.equal(await s.store.templateHasEvents(s.type.id), false);
    const saved = await s.store.replaceTemplate({
      ...s.type,
      name: 'Renamed',
      objectType: 'deals',
      updatedAt: NOW,
    });
    assert.equal(saved?.objectType, 'deals');
    assert.equal((await s.store.findAppEventType(s.appId, 'signup'))?.name, 'Renamed');
    const write = eventWrite(
      s.portalId,
      { id: s.type.id, objectType: 'contacts' },
      { by: 'email', email: 'a@example.com' },
    );
    okEvent((await s.store.writeEvents([write], { autoCreateRecords: false, now: NOW }))[0]);
    assert.equal(await s.store.templateHasEvents(s.type.id), true);
  });

  test('atomic: one failing write stores nothing; the failure is named, the others EVENT_NOT_STORED', async (t) => {
    const s = await setup(t, backend);
    const good = eventWrite(
      s.portalId,
      s.type,
      { by: 'email', email: 'new-contact@example.com' },
      { fingerprint: '' },
    );
    const bad = eventWrite(
      s.portalId,
      s.type,
      { by: 'objectId', objectId: '999999999' },
      { fingerprint: '' },
    );
    const results = await s.store.writeEvents([good, bad], {
      autoCreateRecords: false,
      now: NOW,
      atomic: true,
    });
    assert.deepEqual(results[0], { ok: false, code: 'EVENT_NOT_STORED', params: {} });
    assert.equal(results[1]?.ok, false);
    assert.equal(!results[1]?.ok && results[1]?.code, 'RECORD_NOT_FOUND');
    assert.equal(await s.store.getEvent(s.portalId, s.type.id, good.event.id), undefined);
    // The contact the good write would have created is rolled back too.
    assert.equal(await s.store.findContactByEmail(s.portalId, 'new-contact@example.com'), undefined);
    // The same batch without the failing write is stored whole.
    const [stored] = await s.store.writeEvents([good], { autoCreateRecords: false, now: NOW, atomic: true });
    assert.equal(okEvent(stored).id, good.event.id);
  });

  test('atomic: an id already stored, or repeated in the batch, fails the batch as EVENT_ID_IN_USE', async (t) => {
    const s = await setup(t, backend);
    const first = eventWrite(
      s.portalId,
      s.type,
      { by: 'email', email: 'dup@example.com' },
      { fingerprint: '' },
    );
    okEvent((await s.store.writeEvents([first], { autoCreateRecords: false, now: NOW, atomic: true }))[0]);
    const other = eventWrite(
      s.portalId,
      s.type,
      { by: 'email', email: 'dup@example.com' },
      { fingerprint: '' },
    );
    const [a, b] = await s.store.writeEvents([other, first], {
      autoCreateRecords: false,
      now: NOW,
      atomic: true,
    });
    assert.deepEqual(a, { ok: false, code: 'EVENT_NOT_STORED', params: {} });
    assert.equal(!b?.ok && b?.code, 'EVENT_ID_IN_USE');
    assert.equal(await s.store.getEvent(s.portalId, s.type.id, other.event.id), undefined);
    const twice = eventWrite(
      s.portalId,
      s.type,
      { by: 'email', email: 'dup@example.com' },
      { fingerprint: '' },
    );
    const [c, d] = await s.store.writeEvents([twice, twice], {
      autoCreateRecords: false,
      now: NOW,
      atomic: true,
    });
    assert.equal(c?.ok, false);
    assert.equal(!d?.ok && d?.code, 'EVENT_ID_IN_USE');
    assert.equal(await s.store.getEvent(s.portalId, s.type.id, twice.event.id), undefined);
  });

  test('atomic batches of concurrent callers do not roll back each other', async (t) => {
    const s = await setup(t, backend);
    const ok = eventWrite(s.portalId, s.type, { by: 'email', email: 'c1@example.com' }, { fingerprint: '' });
    const bad = eventWrite(s.portalId, s.type, { by: 'utk', utk: 'unknown-utk' }, { fingerprint: '' });
    const [left, right] = await Promise.all([
      s.store.writeEvents([ok], { autoCreateRecords: false, now: NOW, atomic: true }),
      s.store.writeEvents([bad], { autoCreateRecords: false, now: NOW, atomic: true }),
    ]);
    okEvent(left?.[0]);
    assert.equal(right?.[0]?.ok, false);
    assert.ok(await s.store.getEvent(s.portalId, s.type.id, ok.event.id));
  });

  test('a v3 event and an app event occurrence on one contact are both stored on that record', async (t) => {
    const s = await setup(t, backend);
    const v3 = await storedTemplate(s.store, s.appId);
    const email = 'both@example.com';
    const v3Write = eventWrite(s.portalId, v3, { by: 'email', email }, { tokens: { webinarName: 'Intro' } });
    const appWrite = eventWrite(s.portalId, s.type, { by: 'email', email }, { fingerprint: '' });
    const v3Event = okEvent(
      (await s.store.writeEvents([v3Write], { autoCreateRecords: false, now: NOW }))[0],
    );
    const appEvent = okEvent(
      (await s.store.writeEvents([appWrite], { autoCreateRecords: false, now: NOW, atomic: true }))[0],
    );
    assert.equal(appEvent.objectId, v3Event.objectId);
    const contact = await s.store.findContactByEmail(s.portalId, email);
    assert.equal(contact?.id, v3Event.objectId);
    assert.equal((await s.store.getEvent(s.portalId, s.type.id, appWrite.event.id))?.objectId, contact?.id);
    assert.equal((await s.store.getEvent(s.portalId, v3.id, v3Write.event.id))?.objectId, contact?.id);
  });
});
