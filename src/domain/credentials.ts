/**
 * Who is calling: developer API keys (`?hapikey=`) and access tokens (Bearer), with HubSpot's
 * 401/403 answers. Templates take either (a token with `developers-read`/`developers-write`, as
 * HubSpot's current spec allows); events and CRM records take a token.
 */
import { ApiError, missingScopes } from '../errors.js';
import type { Store } from './store.js';
import type { AccessToken, DeveloperAccount } from './types.js';

/**
 * Scopes of the provisioned token: timeline events (`timeline-write` is 2026-09's name for it,
 * `developers-read` reads app event type names), the CRM objects events attach to, custom schemas.
 */
export const DEFAULT_SCOPES = [
  'timeline',
  'timeline-write',
  'developers-read',
  ...['contacts', 'companies', 'deals', 'tickets', 'custom'].flatMap((type) => [
    `crm.objects.${type}.read`,
    `crm.objects.${type}.write`,
  ]),
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
];

/** HubSpot's scopes for the template and token routes when called with an access token. */
export const DEVELOPER_READ_SCOPES = ['developers-read', 'developers-write'] as const;
export const DEVELOPER_WRITE_SCOPES = ['developers-write'] as const;

export async function authenticateDeveloperKey(
  store: Store,
  hapikey: string | undefined,
): Promise<DeveloperAccount> {
  if (!hapikey) throw new ApiError('MISSING_CREDENTIALS');
  const account = await store.findDeveloperAccount(hapikey);
  if (!account) throw new ApiError('INVALID_API_KEY');
  return account;
}

/** The developer account must own the app of the path. */
export async function authorizeDeveloperApp(
  store: Store,
  account: DeveloperAccount,
  appId: number,
): Promise<void> {
  const app = await store.findApp(appId);
  // *Ours*: an app that does not exist and an app of another account both answer 403, so a key
  // cannot probe which app ids exist.
  if (app?.developerAccountId !== account.id) throw new ApiError('APP_NOT_OWNED', { appId });
}

/** An access token manages only its own app's templates. */
export function authorizeTokenApp(token: AccessToken, appId: number): void {
  if (token.appId !== appId) throw new ApiError('TOKEN_APP_MISMATCH', { appId, tokenAppId: token.appId });
}

/** Reads `Authorization: Bearer <token>` and checks that the token holds one of `anyOfScopes`. */
export async function authenticateAccessToken(
  store: Store,
  authorization: string | undefined,
  anyOfScopes: readonly string[],
  now: number,
): Promise<AccessToken> {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!match?.[1]) throw new ApiError('MISSING_CREDENTIALS');
  const token = await store.findAccessToken(match[1]);
  if (!token) throw new ApiError('INVALID_ACCESS_TOKEN');
  if (token.expiresAt !== undefined && now >= token.expiresAt) {
    // HubSpot's answer to an expired OAuth token: how long ago, and when, in `context`.
    throw new ApiError(
      'EXPIRED_AUTHENTICATION',
      { seconds: Math.max(0, Math.floor((now - token.expiresAt) / 1000)) },
      { context: { 'expire time': [new Date(token.expiresAt).toISOString()] } },
    );
  }
  if (!anyOfScopes.some((scope) => token.scopes.includes(scope)))
    throw missingScopes(anyOfScopes.slice(0, 1));
  return token;
}
