/**
 * Store conformance (graceful shutdown): writes handed to the store before `close()` are
 * committed and answered, never dropped or failed by the close, and are there when the database
 * is opened again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachBackend, openStore, uniqueIds } from './backends.js';
import { eventWrite, storedTemplate, T0 } from './event-writes.js';

eachBackend((backend) => {
  test('writes in flight when the store closes are committed and answered', async (t) => {
    const database = backend.fresh();
    const store = database.connect();
    await store.migrate();
    const { portalId, appId } = uniqueIds();
    const template = await storedTemplate(store, appId);
    const writes = Array.from({ length: 20 }, (_, i) =>
      eventWrite(
        portalId,
        template,
        { by: 'email', email: `closing-${i}@example.com` },
        { stamps: { plan: `p${i}` } },
      ),
    );
    // Each call is handed over before the close, as a request does before the server stops; the
    // SQLite thread then has them queued for its next group commit when the close arrives.
    const inFlight = writes.map((write) => store.writeEvents([write], { autoCreateRecords: false, now: T0 }));
    await store.close();
    const results = (await Promise.all(inFlight)).map((batch) => batch[0]);
    assert.ok(
      results.every((result) => result?.ok),
      JSON.stringify(results.find((result) => !result?.ok)),
    );

    if (!backend.sharesDatabase) return; // in memory: nothing outlives the connection
    const reopened = await openStore(t, database);
    for (const [i, write] of writes.entries()) {
      const stored = await reopened.getEvent(portalId, template.id, write.event.id);
      assert.ok(stored, `event ${i} is stored`);
      const contact = await reopened.findContactByEmail(portalId, `closing-${i}@example.com`);
      assert.equal(contact?.properties.plan, `p${i}`);
    }
  });
});
