/**
 * Store conformance: request counts for HubSpot's rate limits (atomic, counted only when
 * allowed, shared by every store on one database), a portal's rate-limit setting, daily totals, and
 * reset of everything or of one portal.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeptCredentials, RequestCountHit, Store } from '../../src/domain/store.js';
import { eachBackend, openStore, uniqueIds } from './backends.js';
import { eventWrite, T0 } from './event-writes.js';

const hit = (portalId: number, appId: number, second: number, extra: Partial<RequestCountHit> = {}) => ({
  portalId,
  appId,
  second,
  windowSeconds: 10,
  max: 3,
  day: 20_000,
  dailyMax: 5,
  ...extra,
});

/** Start credentials of a store's own (a reset keeps them), made like provisioning makes them. */
async function startCredentials(store: Store): Promise<KeptCredentials> {
  const ids = uniqueIds();
  const portal = { id: ids.portalId, timeZone: 'Asia/Tokyo' };
  await store.ensurePortal(portal);
  const developerAccount = await store.ensureDeveloperAccount(`start-key-${ids.token}`);
  const app = { id: ids.appId, developerAccountId: developerAccount.id };
  await store.ensureApp(app);
  const accessToken = {
    tokenHash: `start-${ids.token}`,
    kind: 'private-app' as const,
    portalId: portal.id,
    appId: app.id,
    scopes: ['timeline'],
  };
  await store.ensureAccessToken(accessToken);
  const oauthClient = {
    clientId: `client-${ids.token}`,
    clientSecretHash: 'h',
    redirectUri: 'https://x/cb',
    appId: app.id,
  };
  await store.ensureOAuthClient(oauthClient);
  return { portal, developerAccount, app, accessToken, oauthClient };
}

eachBackend((backend) => {
  test('countRequest: allows up to max in the rolling window, refuses without counting, then the window rolls', async (t) => {
    const store = await openStore(t, backend.fresh());
    const { portalId, appId } = uniqueIds();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.countRequest(hit(portalId, appId, 1000)));
    assert.deepEqual(
      results.map((r) => [r.windowCount, r.refusedBy]),
      [
        [1, undefined],
        [2, undefined],
        [3, undefined],
        [3, 'window'],
      ],
    );
    assert.equal(
      (await store.countRequest(hit(portalId, appId, 1009))).refusedBy,
      'window',
      'still in the window',
    );
    const rolled = await store.countRequest(hit(portalId, appId, 1010));
    assert.equal(rolled.refusedBy, undefined);
    assert.equal(rolled.windowCount, 1);
    assert.equal(rolled.dailyCount, 4);
    const other = await store.countRequest(hit(portalId, appId + 1, 1010));
    assert.equal(other.windowCount, 1, 'counted per app and portal');
  });

  test('countRequest: the daily limit refuses once reached; null has none', async (t) => {
    const store = await openStore(t, backend.fresh());
    const { portalId, appId } = uniqueIds();
    for (let i = 0; i < 5; i++) await store.countRequest(hit(portalId, appId, 2000 + i * 20));
    const refused = await store.countRequest(hit(portalId, appId, 3000));
    assert.equal(refused.refusedBy, 'daily');
    assert.equal(refused.dailyCount, 5);
    assert.equal(
      (await store.countRequest(hit(portalId, appId, 3000, { dailyMax: null }))).refusedBy,
      undefined,
    );
    assert.equal((await store.countRequest(hit(portalId, appId, 3100, { day: 20_001 }))).dailyCount, 1);
  });

  // A store that says its counts are shared (`sharedRequestCounts`) is held to that with two stores on
  // one database; the others (one process per file) with concurrent calls on one store.
  test('countRequest under concurrency never allows more than max', async (t) => {
    const database = backend.fresh();
    const first = await openStore(t, database);
    const stores = [first];
    if (first.sharedRequestCounts && backend.sharesDatabase) stores.push(await openStore(t, database));
    const { portalId, appId } = uniqueIds();
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        stores[i % stores.length]?.countRequest(hit(portalId, appId, 5000, { max: 25, dailyMax: null })),
      ),
    );
    assert.equal(all.filter((r) => r?.refusedBy === undefined).length, 25);
  });

  test('countRequest leases: at most an eighth of what is left, one by one near a limit, unspent given back', async (t) => {
    const store = await openStore(t, backend.fresh());
    const { portalId, appId } = uniqueIds();
    const lease = (extra: Partial<RequestCountHit>) =>
      store.countRequest(hit(portalId, appId, 7000, { max: 80, dailyMax: 1000, ...extra }));
    const first = await lease({ want: 50 });
    assert.deepEqual([first.granted, first.windowCount, first.dailyCount], [10, 10, 10], '80 / 8 = 10');
    const small = await lease({ want: 3 });
    assert.deepEqual([small.granted, small.windowCount], [3, 13], 'never more than wanted');
    // 13 counted; 10 of them unspent go back in the same call that claims again.
    const after = await lease({ want: 100, giveBack: { second: 7000, count: 10 } });
    assert.deepEqual([after.granted, after.windowCount, after.dailyCount], [9, 12, 12], '(80 - 3) / 8 = 9');
    const near = [await lease({ want: 100 })];
    while (near.at(-1)?.refusedBy === undefined && near.length < 100) near.push(await lease({ want: 100 }));
    const grants = near.map((r) => r.granted);
    assert.equal(
      grants.reduce((a, b) => a + b, 0),
      80 - 12,
      'the window fills to its limit, never past it',
    );
    assert.deepEqual(grants.slice(-8), [1, 1, 1, 1, 1, 1, 1, 0], 'one by one near the limit, then refused');
    assert.equal(near.at(-1)?.refusedBy, 'window');
    const onlyBack = await lease({ want: 0, giveBack: { second: 7000, count: 5 } });
    assert.deepEqual([onlyBack.granted, onlyBack.windowCount, onlyBack.refusedBy], [0, 75, undefined]);
    assert.equal(onlyBack.dailyCount, 75, 'given back to the day too');
  });

  test('countRequest takes limits past 32 bits (limits no one reaches)', async (t) => {
    const store = await openStore(t, backend.fresh());
    const { portalId, appId } = uniqueIds();
    const result = await store.countRequest(
      hit(portalId, appId, 1, { max: 999_999_999, dailyMax: 999_999_999_999 }),
    );
    assert.equal(result.refusedBy, undefined);
  });

  test('daily totals: saved as totals, loaded by day', async (t) => {
    const store = await openStore(t, backend.fresh());
    const { portalId, appId } = uniqueIds();
    await store.saveDailyRequestCounts(30_000, [{ portalId, appId, hits: 7 }]);
    await store.saveDailyRequestCounts(30_000, [{ portalId, appId, hits: 9 }]);
    assert.deepEqual(await store.loadDailyRequestCounts(30_000), [{ portalId, appId, hits: 9 }]);
    assert.deepEqual(await store.loadDailyRequestCounts(30_001), []);
  });

  test('a portal rate-limit setting: set, read, cleared', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    await store.ensurePortal({ id: portalId, timeZone: 'UTC' });
    assert.equal(await store.getPortalRateLimit(portalId), undefined);
    await store.setPortalRateLimit(portalId, 'professional');
    await store.ensurePortal({ id: portalId, timeZone: 'Europe/Paris' });
    assert.equal(await store.getPortalRateLimit(portalId), 'professional', 'kept when the zone changes');
    await store.setPortalRateLimit(portalId, null);
    assert.equal(await store.getPortalRateLimit(portalId), undefined);
  });

  test('reset of one portal removes its tokens, records, events and counts; other portals and templates stay', async (t) => {
    const store = await openStore(t, backend.fresh());
    const a = uniqueIds();
    const b = uniqueIds();
    const account = await store.ensureDeveloperAccount(a.apiKey);
    await store.ensureApp({ id: a.appId, developerAccountId: account.id });
    const template = await store.insertTemplate(
      a.appId,
      { name: 'T', objectType: 'contacts', tokens: [], createdAt: T0 },
      10,
    );
    assert.ok(!('ok' in template));
    for (const ids of [a, b]) {
      await store.ensurePortal({ id: ids.portalId, timeZone: 'UTC' });
      await store.ensureAccessToken({
        tokenHash: ids.token,
        kind: 'app',
        portalId: ids.portalId,
        appId: a.appId,
        scopes: ['timeline'],
      });
      const [written] = await store.writeEvents(
        [eventWrite(ids.portalId, template, { by: 'email', email: 'x@example.com' }, { id: 'e1' })],
        { autoCreateRecords: false, now: T0 },
      );
      assert.equal(written?.ok, true);
      await store.countRequest(hit(ids.portalId, a.appId, 1));
    }
    await store.reset({ portalId: a.portalId, keep: await startCredentials(store) });
    assert.equal(await store.getPortal(a.portalId), undefined);
    assert.equal(await store.findAccessToken(a.token), undefined);
    assert.equal(await store.getEvent(a.portalId, template.id, 'e1'), undefined);
    assert.equal(await store.findContactByEmail(a.portalId, 'x@example.com'), undefined);
    assert.equal((await store.countRequest(hit(a.portalId, a.appId, 1))).windowCount, 1, 'counts gone');
    assert.ok(await store.getPortal(b.portalId));
    assert.ok(await store.findAccessToken(b.token));
    assert.ok(await store.getEvent(b.portalId, template.id, 'e1'));
    assert.equal((await store.countRequest(hit(b.portalId, a.appId, 1))).windowCount, 2);
    assert.ok(await store.getTemplate(template.id), 'templates belong to apps');
  });

  test('reset of the start portal keeps its start token, written back as provisioned', async (t) => {
    const store = await openStore(t, backend.shared());
    const keep = await startCredentials(store);
    const other = {
      ...keep.accessToken,
      tokenHash: `${keep.accessToken.tokenHash}-other`,
      kind: 'app' as const,
    };
    await store.ensureAccessToken(other);
    await store.ensureAccessToken({ ...keep.accessToken, scopes: ['changed'] });
    await store.reset({ portalId: keep.portal.id, keep });
    assert.deepEqual(await store.findAccessToken(keep.accessToken.tokenHash), keep.accessToken);
    assert.equal(await store.findAccessToken(other.tokenHash), undefined);
    assert.deepEqual(await store.getPortal(keep.portal.id), keep.portal);
  });

  test('reset of everything empties every tenant table and keeps meta', async (t) => {
    const store = await openStore(t, backend.fresh());
    const a = uniqueIds();
    await store.setMeta('kept', 'yes');
    const account = await store.ensureDeveloperAccount(a.apiKey);
    await store.ensureApp({ id: a.appId, developerAccountId: account.id });
    await store.ensurePortal({ id: a.portalId, timeZone: 'UTC' });
    await store.ensureAccessToken({
      tokenHash: a.token,
      kind: 'app',
      portalId: a.portalId,
      appId: a.appId,
      scopes: [],
    });
    const template = await store.insertTemplate(
      a.appId,
      { name: 'T', objectType: 'contacts', tokens: [], createdAt: T0 },
      10,
    );
    assert.ok(!('ok' in template));
    await store.createRecord(a.portalId, 'deals', { dealname: 'x' }, T0);
    await store.saveDailyRequestCounts(1, [{ portalId: a.portalId, appId: a.appId, hits: 3 }]);
    const keep = await startCredentials(store);
    await store.setPortalRateLimit(keep.portal.id, '5/10s');
    await store.ensurePortal({ ...keep.portal, timeZone: 'Europe/Paris' });
    await store.reset({ keep });
    assert.equal(await store.getMeta('kept'), 'yes');
    assert.deepEqual(await store.getPortal(keep.portal.id), keep.portal, 'the start portal, as provisioned');
    assert.equal(await store.getPortalRateLimit(keep.portal.id), undefined);
    assert.deepEqual(await store.findAccessToken(keep.accessToken.tokenHash), keep.accessToken);
    assert.deepEqual(
      await store.findDeveloperAccount(keep.developerAccount.apiKeyHash),
      keep.developerAccount,
    );
    assert.deepEqual(await store.findApp(keep.app.id), keep.app);
    assert.deepEqual(await store.findOAuthClient(keep.oauthClient.clientId), keep.oauthClient);
    assert.equal(await store.findDeveloperAccount(a.apiKey), undefined);
    assert.equal(await store.findApp(a.appId), undefined);
    assert.equal(await store.getPortal(a.portalId), undefined);
    assert.equal(await store.findAccessToken(a.token), undefined);
    assert.equal(await store.getTemplate(template.id), undefined);
    assert.deepEqual((await store.listRecords(a.portalId, 'deals', 10)).records, []);
    assert.deepEqual(await store.loadDailyRequestCounts(1), []);
    const again = await store.insertTemplate(
      a.appId,
      { name: 'T', objectType: 'contacts', tokens: [], createdAt: T0 },
      10,
    );
    assert.ok(!('ok' in again) && again.id !== template.id, 'template ids are not reused');
  });
});
