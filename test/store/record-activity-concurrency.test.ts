/**
 * Store conformance: the records list's counts under concurrent writers. Two stores (as two server
 * processes would be) write batches to the same records at once, in opposite orders; every event
 * is counted once and each record's last event time is its newest, read right after the writes.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { EventWrite } from '../../src/domain/store.js';
import { type Backend, eachBackend, needsSharedDatabase, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

const options = { autoCreateRecords: false, now: T0 };

/** Two stores on one database, as two server processes would be, and a template of a new app. */
async function twoStores(t: TestContext, backend: Backend) {
  const database = backend.shared();
  const a = await openStore(t, database);
  const b = await openStore(t, database);
  const { portalId, appId } = uniqueIds();
  return { a, b, portalId, template: await storedTemplate(a, appId) };
}

eachBackend((backend) => {
  test('two stores writing to the same records at once: every event counted once, newest time kept', {
    skip: needsSharedDatabase(backend),
  }, async (t) => {
    const { a, b, portalId, template } = await twoStores(t, backend);
    const emails = Array.from({ length: 15 }, (_, i) => `busy-${i}@example.com`);
    const batch = (store: string, round: number): EventWrite[] =>
      emails.map((email, i) =>
        eventWrite(
          portalId,
          template,
          { by: 'email', email },
          {
            id: `${store}-${round}-${i}`,
            timestamp: T0 + round * 1000 + i,
          },
        ),
      );
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all([
        a.writeEvents(batch('a', round), options),
        b.writeEvents(batch('b', round).reverse(), options),
      ]);
      for (const result of results.flat()) assert.ok(result.ok, JSON.stringify(result));
    }
    const page = await b.listRecordActivity({ portalId, objectType: 'contacts', limit: 100 });
    const summary = page.records.map(
      (r) => `${r.record.properties.email}:${r.eventCount}@${r.lastEventAt - T0}`,
    );
    const expected = emails.map((email, i) => `${email}:8@${3000 + i}`).reverse();
    assert.deepEqual(summary, expected);
  });

  test('records created before their first events, which two stores send at once: each found by its email', {
    skip: needsSharedDatabase(backend),
  }, async (t) => {
    const { a, b, portalId, template } = await twoStores(t, backend);
    const emails = Array.from({ length: 15 }, (_, i) => `first-${i}@example.com`);
    for (const email of emails) assert.ok((await a.createRecord(portalId, 'contacts', { email }, T0)).ok);
    const batch = (store: string): EventWrite[] =>
      emails.map((email, i) =>
        eventWrite(portalId, template, { by: 'email', email }, { id: `${store}-${i}` }),
      );
    const results = await Promise.all([
      a.writeEvents(batch('a'), options),
      b.writeEvents(batch('b').reverse(), options),
    ]);
    for (const result of results.flat()) assert.ok(result.ok, JSON.stringify(result));
    for (const email of emails) {
      const page = await b.listRecordActivity({ portalId, objectType: 'contacts', limit: 10, q: email });
      assert.deepEqual(
        page.records.map((r) => `${r.record.properties.email}:${r.eventCount}`),
        [`${email}:2`],
      );
    }
  });
});
