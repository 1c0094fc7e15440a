/**
 * Who is calling: developer API keys (`?hapikey=`), access tokens (Bearer) and the admin token, with
 * HubSpot's 401/403 answers. Every lookup of a credential goes through here, so every one checks the
 * same things: the secret's hash is known, the token has not expired, and (for tokens) it holds one
 * of the scopes the operation accepts.
 */
import { ApiError, missingScopes } from '../../errors.js';
import type { Store } from '../store.js';
import type { AccessToken, DeveloperAccount } from '../types.js';
import { hashSecret, matchesHash } from './secrets.js';

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

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerOf(authorization: string | undefined): string | undefined {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match?.[1];
}

export async function authenticateDeveloperKey(
  store: Store,
  hapikey: string | undefined,
): Promise<DeveloperAccount> {
  if (!hapikey || hapikey.trim() === '') throw new ApiError('MISSING_CREDENTIALS');
  const account = await store.findDeveloperAccount(hashSecret(hapikey));
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

/**
 * The token a secret names when it is usable now: known, and not expired. Answers why not as
 * HubSpot does (401, with the time of expiry for an expired OAuth token).
 */
export async function liveToken(store: Store, secret: string, now: number): Promise<AccessToken> {
  const token = secret.trim() === '' ? undefined : await store.findAccessToken(hashSecret(secret));
  if (!token) throw new ApiError('INVALID_ACCESS_TOKEN');
  if (token.expiresAt !== undefined && now >= token.expiresAt) {
    // HubSpot's answer to an expired OAuth token: how long ago, and when, in `context`.
    throw new ApiError(
      'EXPIRED_AUTHENTICATION',
      { seconds: Math.max(0, Math.floor((now - token.expiresAt) / 1000)) },
      { context: { 'expire time': [new Date(token.expiresAt).toISOString()] } },
    );
  }
  return token;
}

/** Whether the token holds one of the scopes (HubSpot: any one of an operation's alternatives). */
export function hasAnyScope(token: AccessToken, anyOfScopes: readonly string[]): boolean {
  return anyOfScopes.some((scope) => token.scopes.includes(scope));
}

/** Reads `Authorization: Bearer <token>` and checks that the token holds one of `anyOfScopes`. */
export async function authenticateAccessToken(
  store: Store,
  authorization: string | undefined,
  anyOfScopes: readonly string[],
  now: number,
): Promise<AccessToken> {
  const secret = bearerOf(authorization);
  if (!secret) throw new ApiError('MISSING_CREDENTIALS');
  const token = await liveToken(store, secret, now);
  if (!hasAnyScope(token, anyOfScopes)) throw missingScopes(anyOfScopes);
  return token;
}

/**
 * The admin token: known to the server only by its hash (it is given, or made at start and printed
 * once), never stored.
 */
export class AdminCredential {
  constructor(readonly tokenHash: string) {}

  matches(given: string | undefined): boolean {
    return given !== undefined && matchesHash(given, this.tokenHash);
  }

  /** The admin token of an `Authorization: Bearer` header, when it is the admin token. */
  isBearer(authorization: string | undefined): boolean {
    return this.matches(bearerOf(authorization));
  }
}
