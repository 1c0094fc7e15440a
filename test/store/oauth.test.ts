/**
 * Store conformance for the OAuth stand-in (issue 14): clients, codes used once (also under
 * concurrency), refresh tokens revoked, and access tokens with an expiry, on every backend.
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
      clientSecret: 's1',
      redirectUri: 'https://a.example/cb',
      appId,
    };
    await store.ensureOAuthClient(client);
    assert.deepEqual(await store.findOAuthClient(client.clientId), client);
    await store.ensureOAuthClient({ ...client, clientSecret: 's2' });
    assert.equal((await store.findOAuthClient(client.clientId))?.clientSecret, 's2');
    assert.equal(await store.findOAuthClient('nope'), undefined);
  });

  test('a code is answered by its first use only, even when two uses race', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, token } = uniqueIds();
    const code: OAuthCode = {
      code: `code-${token}`,
      clientId: 'c',
      portalId,
      scopes: ['timeline', 'oauth'],
      redirectUri: 'https://a.example/cb',
      codeChallenge: 'abc',
      codeChallengeMethod: 'S256',
      expiresAt: 1_800_000_000_000,
    };
    await store.insertOAuthCode(code);
    const uses = await Promise.all([store.useOAuthCode(code.code), store.useOAuthCode(code.code)]);
    assert.deepEqual(
      uses.filter((use) => use !== undefined),
      [code],
    );
    assert.equal(await store.useOAuthCode(code.code), undefined);
    assert.equal(await store.useOAuthCode('unknown'), undefined);
  });

  test('a refresh token is found until revoked', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId, token } = uniqueIds();
    const refresh = {
      token: `rt-${token}`,
      clientId: 'c',
      portalId,
      appId,
      scopes: ['timeline'],
      createdAt: 1,
    };
    await store.insertRefreshToken(refresh);
    assert.deepEqual(await store.findRefreshToken(refresh.token), refresh);
    assert.equal(await store.revokeRefreshToken(refresh.token), true);
    assert.equal(await store.findRefreshToken(refresh.token), undefined);
    assert.equal(await store.revokeRefreshToken(refresh.token), false);
  });

  test('an access token keeps its expiry; one without expiry has none', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId, appId, token } = uniqueIds();
    await store.ensureAccessToken({
      token: `exp-${token}`,
      portalId,
      appId,
      scopes: ['timeline'],
      expiresAt: 1234,
    });
    assert.equal((await store.findAccessToken(`exp-${token}`))?.expiresAt, 1234);
    await store.ensureAccessToken({ token: `plain-${token}`, portalId, appId, scopes: ['timeline'] });
    assert.equal('expiresAt' in ((await store.findAccessToken(`plain-${token}`)) ?? {}), false);
  });
});
