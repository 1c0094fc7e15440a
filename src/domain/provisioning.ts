/**
 * Makes sure the credentials a user starts the server with exist, idempotently across restarts.
 * Values not given are generated once, for a fresh database, and remembered in the store's meta
 * table so a restart prints and accepts the same ones.
 */
import type { Config } from '../config.js';
import type { IdGenerator } from './clock.js';
import { DEFAULT_SCOPES } from './credentials.js';
import type { Store } from './store.js';

export interface Provisioned {
  portalId: number;
  appId: number;
  accessToken: string;
  developerApiKey: string;
  adminToken: string;
  timeZone: string;
  // issue 14: the OAuth client of the provisioned app
  oauthClientId: string;
  oauthClientSecret: string;
  oauthRedirectUri: string;
}

/** *Ours*: where `/oauth/authorize` sends the browser back when no --oauth-redirect-uri is given. */
export const DEFAULT_REDIRECT_URI = 'http://localhost:3000/oauth-callback';

const META_KEY = 'provisioned';

export async function provision(store: Store, config: Config, ids: IdGenerator): Promise<Provisioned> {
  const remembered = await store.getMeta(META_KEY);
  const previous: Partial<Provisioned> = remembered ? JSON.parse(remembered) : {};
  const portalId = config.portalId ?? previous.portalId ?? 1000001 + randomSmallInt(ids);
  const result: Provisioned = {
    portalId,
    appId: config.appId ?? previous.appId ?? 2000001 + randomSmallInt(ids),
    accessToken: config.accessToken ?? previous.accessToken ?? `pat-local-${ids.uuid()}`,
    developerApiKey: config.developerApiKey ?? previous.developerApiKey ?? ids.uuid(),
    adminToken: config.adminToken ?? previous.adminToken ?? ids.secret(24),
    // Only an explicit --time-zone changes the portal's zone: one set through the admin API must
    // survive a restart without it.
    timeZone: config.timeZone ?? (await store.getPortal(portalId))?.timeZone ?? 'UTC',
    oauthClientId: config.oauthClientId ?? previous.oauthClientId ?? ids.uuid(),
    oauthClientSecret: config.oauthClientSecret ?? previous.oauthClientSecret ?? ids.uuid(),
    oauthRedirectUri: config.oauthRedirectUri ?? previous.oauthRedirectUri ?? DEFAULT_REDIRECT_URI,
  };
  await store.ensurePortal({ id: result.portalId, timeZone: result.timeZone });
  const account = await store.ensureDeveloperAccount(result.developerApiKey);
  const app = await store.ensureApp({ id: result.appId, developerAccountId: account.id });
  if (!app.ok) {
    throw new Error(
      `app ${result.appId} already belongs to another developer account; choose another --app-id`,
    );
  }
  await store.ensureAccessToken({
    token: result.accessToken,
    portalId: result.portalId,
    appId: result.appId,
    scopes: DEFAULT_SCOPES,
  });
  await store.ensureOAuthClient({
    clientId: result.oauthClientId,
    clientSecret: result.oauthClientSecret,
    redirectUri: result.oauthRedirectUri,
    appId: result.appId,
  });
  await store.setMeta(META_KEY, JSON.stringify(result));
  return result;
}

function randomSmallInt(ids: IdGenerator): number {
  return Number.parseInt(ids.secret(2), 16) % 100000;
}
