/**
 * Store conformance for credentials: OAuth clients, codes used once (also under concurrency),
 * refresh tokens revoked, access tokens with an expiry and a kind, replaced and deleted, web
 * sessions and trusted portals, on every backend. The store keeps whatever hash it is given.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OAuthCode } from '../../src/domain/types.js';
import { eachBackend, openStore, uniqueIds } from './backends.js';

eachBackend((backend) => {
  test('a client is stored and replaced by its id', async (t) => {
    const store = await openStore(t, backend.shared());
    const { appId, token } = uniqueIds();
    const client = {
      clientId: `client-${token}`,
      clientSecretHash: 's1',
      redirectUri: 'https://a.example/cb',
      appId,
    };
    await store.ensureOAuthClient(client);
    assert.deepEqual(await store.findOAuthClient(client.clientId), client);
    await store.ensureOAuthClient({ ...client, clientSecretHash: 's2' });
    assert.equal((await store.findOAuthClient(client.clientId))?.clientSecretHash, 's2');
    assert.equal(await store.findOAuthClient('nope'), undefined);
  });

  test('a code is answered by its first use only, even when two uses race', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, token } = uniqueIds();
    const code: OAuthCode = {
      codeHash: `code-${token}`,
      clientId: 'c',
      portalId,
      scopes: ['timeline', 'oauth'],
      redirectUri: 'https://a.example/cb',
      codeChallenge: 'abc',
      codeChallengeMethod: 'S256',
      expiresAt: 1_800_000_000_000,
    };
    await store.insertOAuthCode(code);
    const uses = await Promise.all([store.useOAuthCode(code.codeHash), store.useOAuthCode(code.codeHash)]);
    assert.deepEqual(
      uses.filter((use) => use !== undefined),
      [code],
    );
    assert.equal(await store.useOAuthCode(code.codeHash), undefined);
    assert.equal(await store.useOAuthCode('unknown'), undefined);
  });

  test('a refresh token is found until revoked', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId, token } = uniqueIds();
    const refresh = {
      tokenHash: `rt-${token}`,
      clientId: 'c',
      portalId,
      appId,
      scopes: ['timeline'],
      createdAt: 1,
    };
    await store.insertRefreshToken(refresh);
    assert.deepEqual(await store.findRefreshToken(refresh.tokenHash), refresh);
    assert.equal(await store.revokeRefreshToken(refresh.tokenHash), true);
    assert.equal(await store.findRefreshToken(refresh.tokenHash), undefined);
    assert.equal(await store.revokeRefreshToken(refresh.tokenHash), false);
  });

  test('an access token keeps its expiry; one without expiry has none', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId, token } = uniqueIds();
    await store.ensureAccessToken({
      tokenHash: `exp-${token}`,
      kind: 'app',
      portalId,
      appId,
      scopes: ['timeline'],
      expiresAt: 1234,
    });
    assert.equal((await store.findAccessToken(`exp-${token}`))?.expiresAt, 1234);
    await store.ensureAccessToken({
      tokenHash: `plain-${token}`,
      kind: 'private-app',
      portalId,
      appId,
      scopes: ['timeline'],
    });
    assert.equal((await store.findAccessToken(`plain-${token}`))?.kind, 'private-app');
    assert.equal('expiresAt' in ((await store.findAccessToken(`plain-${token}`)) ?? {}), false);
  });

  test('an access token replaces another at once, and is deleted', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId, token } = uniqueIds();
    const first = {
      tokenHash: `first-${token}`,
      kind: 'app' as const,
      portalId,
      appId,
      scopes: ['timeline'],
    };
    await store.ensureAccessToken(first);
    await store.ensureAccessToken({ ...first, tokenHash: `second-${token}` }, first.tokenHash);
    assert.equal(await store.findAccessToken(first.tokenHash), undefined);
    assert.equal((await store.findAccessToken(`second-${token}`))?.appId, appId);
    assert.equal(await store.deleteAccessToken(`second-${token}`), true);
    assert.equal(await store.deleteAccessToken(`second-${token}`), false);
    assert.equal(await store.findAccessToken(`second-${token}`), undefined);
  });

  test('a web session is found by its id hash until deleted; expired ones go when another is stored', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, token } = uniqueIds();
    const session = {
      idHash: `session-${token}`,
      credential: { kind: 'token' as const, tokenHash: `tok-${token}` },
      portalIds: [portalId],
      createdAt: 1_000,
      expiresAt: 2_000,
    };
    await store.insertSession(session, 1_000);
    assert.deepEqual(await store.findSession(session.idHash), session);
    const admin = {
      ...session,
      idHash: `admin-${token}`,
      credential: { kind: 'admin' as const, adminTokenHash: 'h' },
      portalIds: [portalId, portalId + 1],
      expiresAt: 9_000,
    };
    await store.insertSession(admin, 2_000);
    assert.equal(await store.findSession(session.idHash), undefined, 'expired at 2000');
    assert.deepEqual(await store.findSession(admin.idHash), admin);
    await store.deleteSession(admin.idHash);
    assert.equal(await store.findSession(admin.idHash), undefined);
  });

  test('an app is trusted with a portal until the trust is taken back', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId } = uniqueIds();
    assert.equal(await store.isTrustedPortal(appId, portalId), false);
    await store.setTrustedPortal(appId, portalId, true);
    await store.setTrustedPortal(appId, portalId, true);
    assert.equal(await store.isTrustedPortal(appId, portalId), true);
    assert.equal(await store.isTrustedPortal(appId, portalId + 1), false);
    await store.setTrustedPortal(appId, portalId, false);
    assert.equal(await store.isTrustedPortal(appId, portalId), false);
  });
});
