/**
 * Who is calling: developer API keys (`?hapikey=`, for templates) and access tokens (Bearer, for
 * events and CRM records), with HubSpot's 401/403 answers.
 */
import { ApiError } from '../errors.js';
import type { Store } from './store.js';
import type { AccessToken } from './types.js';

/**
 * Scopes of the provisioned token: timeline events (`timeline-write` is 2026-09's name for it,
 * `developers-read` reads app event type names), and the CRM objects events attach to.
 */
export const DEFAULT_SCOPES = [
  'timeline',
  'timeline-write',
  'developers-read',
  ...['contacts', 'companies', 'deals', 'tickets'].flatMap((type) => [
    `crm.objects.${type}.read`,
    `crm.objects.${type}.write`,
  ]),
];

export async function authenticateDeveloper(
  store: Store,
  hapikey: string | undefined,
  appId: number,
): Promise<void> {
  if (!hapikey) throw new ApiError('MISSING_CREDENTIALS');
  const account = await store.findDeveloperAccount(hapikey);
  if (!account) throw new ApiError('INVALID_API_KEY');
  // A path appId that is not a whole number names no app: no store lookup (PostgreSQL would refuse it).
  const app = Number.isSafeInteger(appId) ? await store.findApp(appId) : undefined;
  // *Ours*: an app that does not exist and an app of another account both answer 403, so a key
  // cannot probe which app ids exist.
  if (app?.developerAccountId !== account.id) throw new ApiError('APP_NOT_OWNED', { appId });
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
  if (!anyOfScopes.some((scope) => token.scopes.includes(scope))) {
    throw new ApiError(
      'MISSING_SCOPES',
      {},
      { context: { missingScopes: anyOfScopes.slice(0, 1) }, subCategory: 'MISSING_SCOPES' },
    );
  }
  return token;
}
