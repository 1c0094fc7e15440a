/**
 * What OAuth says about a token it issued, and taking one back: `/oauth/v1`'s information routes
 * (the token in the path, no client credentials) and deletion of a refresh token, and the current
 * API's introspection (RFC 7662) and revocation (RFC 7009), which answer only the client the token
 * was issued to: another app's token is as unknown to it as a made-up one.
 */
import { ApiError } from '../errors.js';
import type { Clock } from './clock.js';
import { hashSecret } from './credentials/secrets.js';
import { authenticateClient, type ClientCredentials } from './oauth-clients.js';
import { type SignedAccessToken, signedAccessToken } from './oauth-signed-token.js';
import type { Store } from './store.js';
import type { AccessToken, OAuthClient, RefreshToken } from './types.js';

/** *Ours*: HubSpot answers the installing user; the stand-in has one user per portal. */
export const USER_ID = 1;

/** The installing user and the portal, as every token-information answer names them. */
function installOf(portalId: number) {
  return {
    user: `developer@portal-${portalId}.example`,
    user_id: USER_ID,
    hub_id: portalId,
    hub_domain: `portal-${portalId}.hubspot.example`,
  };
}

/** The fields of an introspection or revocation request (form fields of HubSpot's spec). */
export interface TokenInfoRequest extends ClientCredentials {
  token?: string;
  token_type_hint?: string;
}

/** HubSpot's `PublicAccessTokenInfoResponse`. */
export interface AccessTokenInfo {
  active: true;
  token: string;
  token_use: 'access_token';
  token_type: 'access';
  client_id: string;
  app_id: number;
  hub_id: number;
  hub_domain: string;
  user_id: number;
  user: string;
  scopes: string[];
  expires_in: number;
  is_private_distribution: boolean;
  signed_access_token: SignedAccessToken;
}

/** HubSpot's `PublicRefreshTokenInfoResponse`: what an access token's says, but for its life. */
export interface RefreshTokenInfo
  extends Omit<
    AccessTokenInfo,
    'token_use' | 'token_type' | 'expires_in' | 'is_private_distribution' | 'signed_access_token'
  > {
  token_use: 'refresh_token';
  token_type: 'refresh';
}

/** RFC 7662's answer for a token that is unknown, expired, revoked or not the caller's. */
export type Introspection = AccessTokenInfo | RefreshTokenInfo | { active: false };

type Kind = 'access' | 'refresh';

/** An access token the OAuth flow issued: only those expire (tokens the admin API makes do not). */
type OAuthAccessToken = AccessToken & { expiresAt: number };

export class OAuthTokenInfo {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** `GET /oauth/v1/access-tokens/{token}`. */
  async accessTokenInfo(token: string): Promise<Record<string, unknown>> {
    const found = await this.liveAccessToken(token);
    if (!found) throw new ApiError('OAUTH_TOKEN_NOT_FOUND');
    return {
      token,
      ...installOf(found.portalId),
      app_id: found.appId,
      scopes: found.scopes,
      token_type: 'access',
      expires_in: this.secondsLeft(found),
    };
  }

  /** `GET /oauth/v1/refresh-tokens/{token}`. */
  async refreshTokenInfo(token: string): Promise<Record<string, unknown>> {
    const found = await this.store.findRefreshToken(hashSecret(token));
    if (!found) throw new ApiError('OAUTH_TOKEN_NOT_FOUND');
    return {
      token,
      ...installOf(found.portalId),
      client_id: found.clientId,
      scopes: found.scopes,
      token_type: 'refresh',
    };
  }

  /**
   * `DELETE /oauth/v1/refresh-tokens/{token}`. HubSpot's documentation of it: "This will only delete
   * the refresh token. Access tokens generated with the refresh token will not be affected."
   */
  async revokeRefreshToken(token: string): Promise<void> {
    if (!(await this.store.revokeRefreshToken(hashSecret(token))))
      throw new ApiError('OAUTH_TOKEN_NOT_FOUND');
  }

  /**
   * `POST /oauth/{version}/token/introspect`: the token's information when it is live and was
   * issued to the calling client, else `{active: false}` (RFC 7662: the same answer whether it never
   * existed, expired, was revoked or belongs to another app, so nothing is learnt of others' tokens).
   */
  async introspect(request: TokenInfoRequest): Promise<Introspection> {
    const client = await authenticateClient(this.store, request);
    const token = requiredToken(request);
    for (const kind of lookupOrder(request.token_type_hint, 'access')) {
      if (kind === 'access') {
        const found = await this.liveAccessToken(token);
        if (found && found.appId === client.appId) return this.describeAccess(token, found, client);
      } else {
        const found = await this.store.findRefreshToken(hashSecret(token));
        if (found && found.clientId === client.clientId) return describeRefresh(token, found);
      }
    }
    return { active: false };
  }

  /**
   * `POST /oauth/{version}/token/revoke`. HubSpot's spec: "Deletes/Revokes provided Refresh Token";
   * where it is silent, RFC 7009: an access token can be revoked too (at once: every request with it
   * looks it up again, web UI sessions included), the hint only orders the lookup, and a token that
   * is unknown, already revoked or another client's is answered as a success, changing nothing. A
   * refresh token's access tokens live on, as HubSpot documents for the v1 deletion this replaces.
   */
  async revoke(request: TokenInfoRequest): Promise<void> {
    const client = await authenticateClient(this.store, request);
    const token = requiredToken(request);
    const tokenHash = hashSecret(token);
    for (const kind of lookupOrder(request.token_type_hint, 'refresh')) {
      if (kind === 'refresh') {
        const found = await this.store.findRefreshToken(tokenHash);
        if (found && found.clientId === client.clientId) {
          await this.store.revokeRefreshToken(tokenHash);
          return;
        }
      } else {
        const found = await this.store.findAccessToken(tokenHash);
        // Expired ones too: revoking is idempotent, and a row less is no harm.
        if (found && isOAuthToken(found) && found.appId === client.appId) {
          await this.store.deleteAccessToken(tokenHash);
          return;
        }
      }
    }
  }

  private async liveAccessToken(token: string): Promise<OAuthAccessToken | undefined> {
    const found = token === '' ? undefined : await this.store.findAccessToken(hashSecret(token));
    if (!found || !isOAuthToken(found) || this.clock.now() >= found.expiresAt) return undefined;
    return found;
  }

  private secondsLeft(token: OAuthAccessToken): number {
    return Math.floor((token.expiresAt - this.clock.now()) / 1000);
  }

  private describeAccess(token: string, found: OAuthAccessToken, client: OAuthClient): AccessTokenInfo {
    const install = installOf(found.portalId);
    return {
      active: true,
      token,
      token_use: 'access_token',
      // HubSpot's v1 information answers say `access` and `refresh` here (`token_use` is new).
      token_type: 'access',
      client_id: client.clientId,
      app_id: found.appId,
      hub_id: install.hub_id,
      hub_domain: install.hub_domain,
      user_id: install.user_id,
      user: install.user,
      scopes: found.scopes,
      expires_in: this.secondsLeft(found),
      is_private_distribution: false,
      signed_access_token: signedAccessToken(found, client.clientId, USER_ID),
    };
  }
}

function describeRefresh(token: string, found: RefreshToken): RefreshTokenInfo {
  const install = installOf(found.portalId);
  return {
    active: true,
    token,
    token_use: 'refresh_token',
    token_type: 'refresh',
    client_id: found.clientId,
    app_id: found.appId,
    hub_id: install.hub_id,
    hub_domain: install.hub_domain,
    user_id: install.user_id,
    user: install.user,
    scopes: found.scopes,
  };
}

function isOAuthToken(token: AccessToken): token is OAuthAccessToken {
  return token.expiresAt !== undefined;
}

function requiredToken(request: TokenInfoRequest): string {
  const { token } = request;
  if (token === undefined || token === '') {
    throw new ApiError(
      'OAUTH_BAD_REQUEST',
      { detail: 'token is required' },
      { details: [{ message: 'token is required', code: 'REQUIRED_FIELD', in: 'token' }] },
    );
  }
  return token;
}

/**
 * Which kind of token to look for first: the hint's (`access_token`, `refresh_token`), else
 * `first`. RFC 7662 and 7009: the hint only speeds the lookup up, an unknown hint is ignored, and a
 * token not found as the hinted kind is looked for as the other.
 */
function lookupOrder(hint: string | undefined, first: Kind): Kind[] {
  const preferred: Kind = hint === 'access_token' ? 'access' : hint === 'refresh_token' ? 'refresh' : first;
  return preferred === 'access' ? ['access', 'refresh'] : ['refresh', 'access'];
}
