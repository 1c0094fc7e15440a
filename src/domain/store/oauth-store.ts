/** The OAuth stand-in: clients, codes, refresh tokens (by hash) and the portals an app is trusted in. */
import type { OAuthClient, OAuthCode, RefreshToken } from '../types.js';

export interface OAuthStore {
  // Access tokens it issues go through TenantStore.ensureAccessToken, with expiresAt.
  ensureOAuthClient(client: OAuthClient): Promise<void>;
  findOAuthClient(clientId: string): Promise<OAuthClient | undefined>;
  insertOAuthCode(code: OAuthCode): Promise<void>;
  /** Marks the code used and answers it; `undefined` when it is unknown or was used already. */
  useOAuthCode(codeHash: string): Promise<OAuthCode | undefined>;
  insertRefreshToken(token: RefreshToken): Promise<void>;
  /** A refresh token that exists and is not revoked. */
  findRefreshToken(tokenHash: string): Promise<RefreshToken | undefined>;
  /** Revokes it; false when it is unknown or revoked already. */
  revokeRefreshToken(tokenHash: string): Promise<boolean>;
  /** Whether the admin said an app may be installed into a portal without its users' approval. */
  isTrustedPortal(appId: number, portalId: number): Promise<boolean>;
  setTrustedPortal(appId: number, portalId: number, trusted: boolean): Promise<void>;
}
