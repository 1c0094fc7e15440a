/**
 * The store's tenants and credentials: portals, developer accounts, apps, access tokens (by hash), the
 * web UI's sessions and the store's own settings (meta).
 */
import type { AccessToken, App, DeveloperAccount, Portal, UiSession } from '../types.js';
import type { StoreFailure } from './results.js';

export interface TenantStore {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  ensurePortal(portal: Portal): Promise<void>;
  getPortal(portalId: number): Promise<Portal | undefined>;
  /**
   * The developer account of that key hash, created when missing; with `replacing`, the account of
   * that older hash takes the new one instead (a key changed, its apps kept).
   */
  ensureDeveloperAccount(apiKeyHash: string, replacing?: string): Promise<DeveloperAccount>;
  findDeveloperAccount(apiKeyHash: string): Promise<DeveloperAccount | undefined>;
  /** Creates the app for that developer account; fails when another account owns the id. */
  ensureApp(app: App): Promise<{ ok: true } | StoreFailure>;
  findApp(appId: number): Promise<App | undefined>;
  /** Creates or overwrites the token of that hash; with `replacing`, deletes that older token at once. */
  ensureAccessToken(token: AccessToken, replacing?: string): Promise<void>;
  findAccessToken(tokenHash: string): Promise<AccessToken | undefined>;
  /** Deletes the token; false when there was none. */
  deleteAccessToken(tokenHash: string): Promise<boolean>;

  // Web UI sessions
  /** Stores a new session, and forgets the sessions that expired before `now`. */
  insertSession(session: UiSession, now: number): Promise<void>;
  findSession(idHash: string): Promise<UiSession | undefined>;
  deleteSession(idHash: string): Promise<void>;
}
