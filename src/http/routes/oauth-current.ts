/**
 * HubSpot's current OAuth API, `/oauth/v3` and the dated versions (`/oauth/2026-03`, the one HubSpot's
 * new TypeScript SDK calls, and `/oauth/2026-09`): `POST /token`, `POST /token/introspect` and
 * `POST /token/revoke`, every parameter in the form body (so no secret sits in a URL). Each version
 * takes the grants its spec lists. Errors: HubSpot's envelope with RFC 6749's `error` fields
 * (oauth-error-answers.ts).
 *
 * Introspection and revocation require the client's credentials, as RFC 7662 and RFC 7009 have the
 * caller authenticate (HubSpot's spec lists `client_id` and `client_secret`, and its SDK sends them):
 * a client learns about, and revokes, only tokens issued to its own app.
 */
import type { FastifyInstance } from 'fastify';
import type { TokenRequest } from '../../domain/oauth-service.js';
import type { TokenInfoRequest } from '../../domain/oauth-token-info.js';
import { grantList, type OAuthGrant } from '../../domain/oauth-versions.js';
import { ApiError } from '../../errors.js';
import type { OAuthVersionDeps } from '../deps.js';
import { sendError } from '../error-handler.js';
import { readFields, requireField } from '../oauth-body.js';
import { isOAuthError, oauthFailure, sendCurrentOAuthError } from '../oauth-error-answers.js';

/** RFC 7523's grant: a JWT assertion instead of a code or refresh token. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** What each grant needs besides the client's credentials (which the domain checks). */
const GRANT_FIELDS: Record<OAuthGrant, readonly string[]> = {
  authorization_code: ['code', 'redirect_uri'],
  refresh_token: ['refresh_token'],
  client_credentials: [],
};

export async function currentOAuthRoutes(
  app: FastifyInstance,
  { oauth, config, oauthVersion }: OAuthVersionDeps,
): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const failure = oauthFailure(error, request, config.limits.MAX_BODY_BYTES);
    return isOAuthError(failure) ? sendCurrentOAuthError(reply, failure) : sendError(reply, failure);
  });

  app.post<{ Body: unknown }>('/token', async (request) =>
    oauth.token(tokenRequest(request.body, oauthVersion.grants), oauthVersion.grants),
  );
  app.post<{ Body: unknown }>('/token/introspect', async (request) =>
    oauth.tokenInfo.introspect(tokenInfoRequest(request.body)),
  );
  // HubSpot's spec declares no success answer; RFC 7009's is a 200 whose body the client ignores.
  app.post<{ Body: unknown }>('/token/revoke', async (request, reply) => {
    await oauth.tokenInfo.revoke(tokenInfoRequest(request.body));
    return reply.code(200).send();
  });
}

function tokenRequest(body: unknown, grants: readonly OAuthGrant[]): TokenRequest {
  const fields = readFields(body);
  refuseClientAssertion(fields);
  const grant = fields.grant_type;
  if (grant === JWT_BEARER)
    throw new ApiError('OAUTH_JWT_BEARER_UNSUPPORTED', { grantType: grant, grants: grantList(grants) });
  if (grant === undefined || grant === '') requireField(fields, 'grant_type');
  const known = grants.find((name) => name === grant);
  // A grant this version does not take is the domain's answer, naming the grants it takes.
  for (const field of known === undefined ? [] : GRANT_FIELDS[known]) requireField(fields, field);
  return fields;
}

function tokenInfoRequest(body: unknown): TokenInfoRequest {
  const fields = readFields(body);
  refuseClientAssertion(fields);
  return fields;
}

/**
 * Private-key JWT client authentication (`client_assertion`, in the 2026-08-19 spec files): no
 * HubSpot source says which keys it trusts, so it is refused, naming the field, rather than ignored
 * (which would answer "client_secret is required" to a client that believes it sent its credentials).
 */
function refuseClientAssertion(fields: Record<string, string>): void {
  for (const field of ['client_assertion', 'client_assertion_type']) {
    if (fields[field] !== undefined)
      throw new ApiError(
        'OAUTH_CLIENT_ASSERTION_UNSUPPORTED',
        { field },
        { details: [{ message: `${field} is not supported`, code: 'INVALID_VALUE', in: field }] },
      );
  }
}
