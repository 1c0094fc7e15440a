/**
 * Makes sure the credentials a user starts the server with exist. Ids (portal, app, OAuth client)
 * not given are generated once, for a fresh database, and remembered in the store's meta. Secrets
 * (access token, developer API key, admin token, OAuth client secret) are stored only as hashes, so
 * one not given cannot be shown again after its start: each start makes a new one (256 random bits)
 * in place of the last start's, and prints it. Given ones stay the same across restarts.
 */
import type { IdGenerator } from './clock.js';
import { DEFAULT_SCOPES } from './credentials/authentication.js';
import { hashSecret, newSecret } from './credentials/secrets.js';
import type { KeptCredentials, Store } from './store.js';

/** What a start may say about its credentials (the `serve` settings of the same names). */
export interface StartSettings {
  readonly portalId: number | undefined;
  readonly appId: number | undefined;
  readonly accessToken: string | undefined;
  readonly developerApiKey: string | undefined;
  readonly adminToken: string | undefined;
  /** Given, it sets the portal's zone at every start; otherwise the stored zone stays (else UTC). */
  readonly timeZone: string | undefined;
  readonly oauthClientId: string | undefined;
  readonly oauthClientSecret: string | undefined;
  readonly oauthRedirectUri: string | undefined;
}

export type StartSecret = 'accessToken' | 'developerApiKey' | 'adminToken' | 'oauthClientSecret';

export interface Provisioned {
  portalId: number;
  appId: number;
  accessToken: string;
  developerApiKey: string;
  adminToken: string;
  timeZone: string;
  oauthClientId: string;
  oauthClientSecret: string;
  oauthRedirectUri: string;
  /** The secrets made by this start (not given): they replaced the last start's. */
  generated: Record<StartSecret, boolean>;
  /** The start credentials as stored, which a reset keeps. */
  keep: KeptCredentials;
}

/** *Ours*: where `/oauth/authorize` sends the browser back when no --oauth-redirect-uri is given. */
export const DEFAULT_REDIRECT_URI = 'http://localhost:3000/oauth-callback';

const META_KEY = 'provisioned';

/** What meta remembers between starts: ids, and the hashes of the last start's secrets. */
interface Remembered {
  portalId?: number;
  appId?: number;
  oauthClientId?: string;
  oauthRedirectUri?: string;
  accessTokenHash?: string;
  developerApiKeyHash?: string;
}

/** Prefixes that say what a generated secret is, as HubSpot's `pat-` does for private-app tokens. */
const SECRET_PREFIXES: Record<StartSecret, string> = {
  accessToken: 'pat-local-',
  developerApiKey: 'dev-',
  adminToken: 'admin-',
  oauthClientSecret: 'secret-',
};

export async function provision(
  store: Store,
  settings: StartSettings,
  ids: IdGenerator,
): Promise<Provisioned> {
  const stored = await store.getMeta(META_KEY);
  const previous: Remembered = stored ? JSON.parse(stored) : {};
  const generated = {} as Record<StartSecret, boolean>;
  const secret = (name: StartSecret): string => {
    const given = settings[name];
    generated[name] = given === undefined;
    return given ?? newSecret(SECRET_PREFIXES[name]);
  };
  const portalId = settings.portalId ?? previous.portalId ?? 1000001 + randomSmallInt(ids);
  const appId = settings.appId ?? previous.appId ?? 2000001 + randomSmallInt(ids);
  const result = {
    portalId,
    appId,
    accessToken: secret('accessToken'),
    developerApiKey: secret('developerApiKey'),
    adminToken: secret('adminToken'),
    // Only an explicit --time-zone changes the portal's zone: one set through the admin API must
    // survive a restart without it.
    timeZone: settings.timeZone ?? (await store.getPortal(portalId))?.timeZone ?? 'UTC',
    oauthClientId: settings.oauthClientId ?? previous.oauthClientId ?? ids.uuid(),
    oauthClientSecret: secret('oauthClientSecret'),
    oauthRedirectUri: settings.oauthRedirectUri ?? previous.oauthRedirectUri ?? DEFAULT_REDIRECT_URI,
  };
  const portal = { id: result.portalId, timeZone: result.timeZone };
  await store.ensurePortal(portal);
  // The last start's secrets are replaced only when it provisioned this same portal and app: several
  // servers with their own portals may share one PostgreSQL database (and its meta).
  const sameDeployment = previous.portalId === portalId && previous.appId === appId;
  const replacing = (hash: string | undefined) => (sameDeployment ? hash : undefined);
  const apiKeyHash = hashSecret(result.developerApiKey);
  const developerAccount = await store.ensureDeveloperAccount(
    apiKeyHash,
    replacing(previous.developerApiKeyHash),
  );
  const app = { id: result.appId, developerAccountId: developerAccount.id };
  const owned = await store.ensureApp(app);
  if (!owned.ok) {
    throw new Error(
      `app ${result.appId} already belongs to another developer account in this database: it was made with another developer API key (keys are kept only as hashes). Give the --developer-api-key (or TIMELINE_DEVELOPER_API_KEY) it was made with, or choose another --app-id`,
    );
  }
  const accessToken = {
    tokenHash: hashSecret(result.accessToken),
    kind: 'private-app' as const,
    portalId: result.portalId,
    appId: result.appId,
    scopes: DEFAULT_SCOPES,
  };
  await store.ensureAccessToken(accessToken, replacing(previous.accessTokenHash));
  const oauthClient = {
    clientId: result.oauthClientId,
    clientSecretHash: hashSecret(result.oauthClientSecret),
    redirectUri: result.oauthRedirectUri,
    appId: result.appId,
  };
  await store.ensureOAuthClient(oauthClient);
  const remembered: Remembered = {
    portalId,
    appId,
    oauthClientId: result.oauthClientId,
    oauthRedirectUri: result.oauthRedirectUri,
    accessTokenHash: accessToken.tokenHash,
    developerApiKeyHash: apiKeyHash,
  };
  await store.setMeta(META_KEY, JSON.stringify(remembered));
  return {
    ...result,
    generated,
    keep: { portal, developerAccount, app, accessToken, oauthClient },
  };
}

function randomSmallInt(ids: IdGenerator): number {
  return Number.parseInt(ids.secret(2), 16) % 100000;
}
