/** Store conformance: migrations, meta values, portals, developer accounts, apps and access tokens. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachBackend, needsSharedDatabase, openStore, uniqueIds } from './backends.js';

eachBackend((backend) => {
  test('migrate twice is a no-op that keeps the data', async (t) => {
    const store = await openStore(t, backend.fresh());
    await store.setMeta('kept', 'yes');
    await store.migrate();
    assert.equal(await store.getMeta('kept'), 'yes');
  });

  test('migrate concurrently from several stores on one empty database', {
    skip: needsSharedDatabase(backend),
    todo: backend.todo('migrate-race'),
  }, async (t) => {
    const database = backend.fresh();
    const stores = [database.connect(), database.connect(), database.connect()];
    t.after(() => Promise.all(stores.map((s) => s.close())));
    await Promise.all(stores.map((s) => s.migrate()));
    await stores[0]?.setMeta('seen', 'by all');
    for (const store of stores) assert.equal(await store.getMeta('seen'), 'by all');
  });

  test('meta values: missing, set, overwritten', async (t) => {
    const store = await openStore(t, backend.shared());
    const key = `meta-${uniqueIds().portalId}`;
    assert.equal(await store.getMeta(key), undefined);
    await store.setMeta(key, 'one');
    assert.equal(await store.getMeta(key), 'one');
    await store.setMeta(key, '{"two":2} ✓');
    assert.equal(await store.getMeta(key), '{"two":2} ✓');
  });

  test('portals: ensure creates, ensure again updates the time zone, unknown is undefined', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    assert.equal(await store.getPortal(portalId), undefined);
    await store.ensurePortal({ id: portalId, timeZone: 'UTC' });
    assert.deepEqual(await store.getPortal(portalId), { id: portalId, timeZone: 'UTC' });
    await store.ensurePortal({ id: portalId, timeZone: 'America/New_York' });
    assert.deepEqual(await store.getPortal(portalId), { id: portalId, timeZone: 'America/New_York' });
  });

  test('developer accounts: ensure is idempotent, keys get distinct ids', async (t) => {
    const store = await openStore(t, backend.shared());
    const { apiKey } = uniqueIds();
    assert.equal(await store.findDeveloperAccount(apiKey), undefined);
    const account = await store.ensureDeveloperAccount(apiKey);
    assert.equal(account.apiKeyHash, apiKey);
    assert.equal(typeof account.id, 'number');
    assert.deepEqual(await store.ensureDeveloperAccount(apiKey), account);
    assert.deepEqual(await store.findDeveloperAccount(apiKey), account);
    const other = await store.ensureDeveloperAccount(`${apiKey}-other`);
    assert.notEqual(other.id, account.id);
  });

  test('developer accounts: a key replaced keeps its account and apps', async (t) => {
    const store = await openStore(t, backend.shared());
    const { apiKey, appId } = uniqueIds();
    const account = await store.ensureDeveloperAccount(apiKey);
    await store.ensureApp({ id: appId, developerAccountId: account.id });
    const renewed = await store.ensureDeveloperAccount(`${apiKey}-new`, apiKey);
    assert.equal(renewed.id, account.id);
    assert.equal(await store.findDeveloperAccount(apiKey), undefined);
    assert.deepEqual(await store.findApp(appId), { id: appId, developerAccountId: account.id });
  });

  test('apps: ensure by the owner is idempotent, by another account fails with APP_NOT_OWNED', async (t) => {
    const store = await openStore(t, backend.shared());
    const { appId, apiKey } = uniqueIds();
    const owner = await store.ensureDeveloperAccount(apiKey);
    const stranger = await store.ensureDeveloperAccount(`${apiKey}-stranger`);
    assert.equal(await store.findApp(appId), undefined);
    assert.deepEqual(await store.ensureApp({ id: appId, developerAccountId: owner.id }), { ok: true });
    assert.deepEqual(await store.ensureApp({ id: appId, developerAccountId: owner.id }), { ok: true });
    assert.deepEqual(await store.ensureApp({ id: appId, developerAccountId: stranger.id }), {
      ok: false,
      code: 'APP_NOT_OWNED',
      params: { appId },
    });
    assert.deepEqual(await store.findApp(appId), { id: appId, developerAccountId: owner.id });
  });

  test('access tokens: ensure, find, ensure again replaces portal, app and scopes', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId, token } = uniqueIds();
    assert.equal(await store.findAccessToken(token), undefined);
    await store.ensureAccessToken({
      tokenHash: token,
      kind: 'app',
      portalId,
      appId,
      scopes: ['timeline', 'crm.objects.contacts.write'],
    });
    assert.deepEqual(await store.findAccessToken(token), {
      tokenHash: token,
      kind: 'app',
      portalId,
      appId,
      scopes: ['timeline', 'crm.objects.contacts.write'],
    });
    await store.ensureAccessToken({
      tokenHash: token,
      kind: 'private-app',
      portalId: portalId + 1,
      appId,
      scopes: [],
    });
    assert.deepEqual(await store.findAccessToken(token), {
      tokenHash: token,
      kind: 'private-app',
      portalId: portalId + 1,
      appId,
      scopes: [],
    });
  });
});
