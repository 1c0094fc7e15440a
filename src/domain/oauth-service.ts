/**
 * The OAuth stand-in: HubSpot's authorize step and the token endpoint's grants (with PKCE, RFC 7636,
 * when the code was issued with a challenge), for every version of the OAuth API (each takes the
 * grants its row of oauth-versions.ts lists). Access tokens it issues are ordinary access tokens
 * with an expiry, so every Bearer route accepts them, scoped by what was granted, whichever version
 * issued them. What is said about a token afterwards, and revoking it: `tokenInfo`
 * (oauth-token-info.ts).
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';
import { allScopes } from './api-versions.js';
import type { Clock } from './clock.js';
import { DEFAULT_SCOPES } from './credentials/authentication.js';
import { hashSecret, newSecret, sameSecret } from './credentials/secrets.js';
import { authenticateClient, type ClientCredentials } from './oauth-clients.js';
import { OAuthTokenInfo, USER_ID } from './oauth-token-info.js';
import { grantList, type OAuthGrant } from './oauth-versions.js';
import type { Store } from './store.js';
import type { AccessToken, OAuthClient, OAuthCode } from './types.js';

/** *Ours*: HubSpot does not publish how long an authorization code lives; 10 minutes (RFC 6749's advice). */
export const AUTH_CODE_TTL_MS = 10 * 60 * 1000;
/**
 * Scopes a client may request: the ones this server checks (every API version's, the CRM routes'),
 * `developers-write` for templates, and `oauth`, which every HubSpot app has.
 */
export const GRANTABLE_SCOPES: readonly string[] = [
  ...new Set(['oauth', ...DEFAULT_SCOPES, ...allScopes(), 'developers-write']),
];

export interface AuthorizeRequest {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  optionalScope?: string;
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

/** A valid authorize request: what the approval page shows, and what approving it issues a code for. */
export interface Authorization {
  client: OAuthClient;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
}

export interface TokenRequest extends ClientCredentials {
  grant_type?: string;
  redirect_uri?: string;
  code?: string;
  code_verifier?: string;
  refresh_token?: string;
  scope?: string;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: 'bearer';
  token_use: 'access_token' | 'client_credentials';
  hub_id: number;
  user_id: number;
  scopes: string[];
}

export class OAuthService {
  /** Token information and revocation, for every version. */
  readonly tokenInfo: OAuthTokenInfo;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: {
      tokenTtlSeconds: number;
      /** The provisioned portal and app (one owner): client-credentials tokens are for them. */
      defaultPortalId: number;
      defaultAppId: number;
      /** The app and portal `--oauth-auto-approve` trusts (the provisioned ones), when it is on. */
      trusted?: { appId: number; portalId: number };
    },
  ) {
    this.tokenInfo = new OAuthTokenInfo(store, clock);
  }

  /**
   * Whether the app may be installed into the portal without anyone of the portal approving it:
   * only where the server was told to trust it (`--oauth-auto-approve` for the provisioned app and
   * portal, or the admin API for others).
   */
  async trusts(appId: number, portalId: number): Promise<boolean> {
    const { trusted } = this.options;
    if (trusted?.appId === appId && trusted.portalId === portalId) return true;
    return this.store.isTrustedPortal(appId, portalId);
  }

  /** Checks an authorize request (`/oauth/authorize`'s query); the answer is what may be approved. */
  async authorize(request: AuthorizeRequest): Promise<Authorization> {
    const client = request.clientId ? await this.store.findOAuthClient(request.clientId) : undefined;
    if (!client) throw new ApiError('OAUTH_BAD_CLIENT_ID');
    if (request.redirectUri !== client.redirectUri) throw new ApiError('OAUTH_BAD_REDIRECT_URI');
    const required = splitScopes(request.scope);
    const unknown = required.find((scope) => !GRANTABLE_SCOPES.includes(scope));
    if (unknown !== undefined) throw new ApiError('OAUTH_BAD_SCOPE', { scope: unknown });
    // Optional scopes the app cannot have are left out rather than refused (HubSpot's rule for them).
    const optional = splitScopes(request.optionalScope).filter((scope) => GRANTABLE_SCOPES.includes(scope));
    const authorization: Authorization = {
      client,
      redirectUri: client.redirectUri,
      scopes: [...new Set([...required, ...optional])],
    };
    if (request.state !== undefined) authorization.state = request.state;
    if (request.codeChallenge !== undefined) {
      const method = request.codeChallengeMethod ?? 'plain';
      if (method !== 'S256' && method !== 'plain') {
        throw new ApiError('OAUTH_BAD_REQUEST', { detail: 'code_challenge_method must be S256 or plain' });
      }
      authorization.codeChallenge = request.codeChallenge;
      authorization.codeChallengeMethod = method;
    }
    return authorization;
  }

  /** The admin trusts (or no longer trusts) the app with the portal (`trusts`). */
  setTrusted(appId: number, portalId: number, trusted: boolean): Promise<void> {
    return this.store.setTrustedPortal(appId, portalId, trusted);
  }

  /**
   * Someone of `portalId` approved (or the server trusts the app there, `trusts`): the URL to send
   * the browser to, with `code` and `state`. The caller has checked who approved.
   */
  async approve(authorization: Authorization, portalId: number): Promise<string> {
    if (!(await this.store.getPortal(portalId))) {
      throw new ApiError('OAUTH_BAD_REQUEST', { detail: `no portal ${portalId}` });
    }
    const secret = newSecret('code-');
    const code: OAuthCode = {
      codeHash: hashSecret(secret),
      clientId: authorization.client.clientId,
      portalId,
      scopes: authorization.scopes,
      redirectUri: authorization.redirectUri,
      expiresAt: this.clock.now() + AUTH_CODE_TTL_MS,
    };
    if (authorization.codeChallenge !== undefined) code.codeChallenge = authorization.codeChallenge;
    if (authorization.codeChallengeMethod !== undefined)
      code.codeChallengeMethod = authorization.codeChallengeMethod;
    await this.store.insertOAuthCode(code);
    const target = new URL(authorization.redirectUri);
    target.searchParams.set('code', secret);
    if (authorization.state !== undefined) target.searchParams.set('state', authorization.state);
    return target.toString();
  }

  /** `POST /oauth/{version}/token`: one of the grants that version takes. */
  async token(request: TokenRequest, grants: readonly OAuthGrant[]): Promise<IssuedTokens> {
    const grant = grants.find((name) => name === request.grant_type);
    switch (grant) {
      case 'authorization_code':
        return this.exchangeCode(request);
      case 'refresh_token':
        return this.refresh(request);
      case 'client_credentials':
        return this.clientCredentials(request);
      default:
        throw new ApiError(
          'OAUTH_BAD_GRANT_TYPE',
          { grants: grantList(grants) },
          { details: [grantTypeProblem(request.grant_type, grants)] },
        );
    }
  }

  private async exchangeCode(request: TokenRequest): Promise<IssuedTokens> {
    const client = await authenticateClient(this.store, request);
    if (request.redirect_uri !== client.redirectUri) throw new ApiError('OAUTH_BAD_REDIRECT_URI');
    // Used up by this call whatever follows, so a code can never be exchanged twice.
    const code = request.code ? await this.store.useOAuthCode(hashSecret(request.code)) : undefined;
    if (!code || code.clientId !== client.clientId) throw new ApiError('OAUTH_BAD_AUTH_CODE');
    if (this.clock.now() >= code.expiresAt) throw new ApiError('OAUTH_EXPIRED_AUTH_CODE');
    if (code.codeChallenge !== undefined && !pkceMatches(code, request.code_verifier)) {
      throw new ApiError('OAUTH_BAD_CODE_VERIFIER');
    }
    const refresh = newSecret('rt-');
    await this.store.insertRefreshToken({
      tokenHash: hashSecret(refresh),
      clientId: client.clientId,
      portalId: code.portalId,
      appId: client.appId,
      scopes: code.scopes,
      createdAt: this.clock.now(),
    });
    return {
      ...(await this.issue(client, code.portalId, code.scopes, 'access_token')),
      refresh_token: refresh,
    };
  }

  /** HubSpot keeps the refresh token: a refresh answers a new access token and the same refresh token. */
  private async refresh(request: TokenRequest): Promise<IssuedTokens> {
    const client = await authenticateClient(this.store, request);
    const given = request.refresh_token;
    const refresh = given ? await this.store.findRefreshToken(hashSecret(given)) : undefined;
    if (!given || !refresh || refresh.clientId !== client.clientId)
      throw new ApiError('OAUTH_BAD_REFRESH_TOKEN');
    const issued = await this.issue(client, refresh.portalId, refresh.scopes, 'access_token');
    return { ...issued, refresh_token: given };
  }

  /**
   * *Ours*: a client-credentials token acts for the app on the provisioned portal, with the scopes
   * asked for (default: every grantable one); it has no refresh token. Only the provisioned app
   * (whose owner is the provisioned portal's) or an app trusted there may have one: no app gets a
   * token for a portal nobody of which approved it.
   */
  private async clientCredentials(request: TokenRequest): Promise<IssuedTokens> {
    const client = await authenticateClient(this.store, request);
    const portalId = this.options.defaultPortalId;
    if (client.appId !== this.options.defaultAppId && !(await this.trusts(client.appId, portalId)))
      throw new ApiError('OAUTH_UNAUTHORIZED_CLIENT', { appId: client.appId, portalId });
    const asked = splitScopes(request.scope);
    const unknown = asked.find((scope) => !GRANTABLE_SCOPES.includes(scope));
    if (unknown !== undefined) throw new ApiError('OAUTH_BAD_SCOPE', { scope: unknown });
    const scopes = asked.length > 0 ? asked : [...GRANTABLE_SCOPES];
    return this.issue(client, portalId, scopes, 'client_credentials');
  }

  private async issue(
    client: OAuthClient,
    portalId: number,
    scopes: string[],
    use: IssuedTokens['token_use'],
  ): Promise<IssuedTokens> {
    const ttl = this.options.tokenTtlSeconds;
    const secret = newSecret('oauth-');
    const token: AccessToken = {
      tokenHash: hashSecret(secret),
      // An installed app's token: it sees its own app's data in the portal (credentials/viewer.ts).
      kind: 'app',
      portalId,
      appId: client.appId,
      scopes,
      expiresAt: this.clock.now() + ttl * 1000,
    };
    await this.store.ensureAccessToken(token);
    return {
      access_token: secret,
      expires_in: ttl,
      token_type: 'bearer',
      token_use: use,
      hub_id: portalId,
      user_id: USER_ID,
      scopes,
    };
  }
}

function grantTypeProblem(given: string | undefined, grants: readonly OAuthGrant[]) {
  const missing = given === undefined || given === '';
  return {
    message: missing ? 'grant_type is required' : `grant_type ${given} is not one of ${grants.join(', ')}`,
    code: missing ? ('REQUIRED_FIELD' as const) : ('INVALID_ENUM' as const),
    in: 'grant_type',
  };
}

function splitScopes(value: string | undefined): string[] {
  // HubSpot's authorize URL separates scopes with spaces (`+` or `%20`); some guides use commas.
  return (value ?? '').split(/[\s,]+/).filter((scope) => scope !== '');
}

/** RFC 7636: S256 compares base64url(SHA-256(verifier)); plain compares the verifier itself. */
function pkceMatches(code: OAuthCode, verifier: string | undefined): boolean {
  if (verifier === undefined || code.codeChallenge === undefined) return false;
  const derived =
    code.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  return sameSecret(derived, code.codeChallenge);
}
