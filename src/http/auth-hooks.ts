/**
 * Authentication as `onRequest` hooks, so credentials are checked before the body is read or
 * validated: HubSpot answers 401 to a bad key even when the body is bad too.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiVersion, scopesFor } from '../domain/api-versions.js';
import type { Clock } from '../domain/clock.js';
import {
  authenticateAccessToken,
  authenticateDeveloperKey,
  authorizeDeveloperApp,
  authorizeTokenApp,
} from '../domain/credentials/authentication.js';
import type { Store } from '../domain/store.js';
import type { AccessToken } from '../domain/types.js';
import { ApiError } from '../errors.js';
import { integerPathParam } from './query-params.js';

declare module 'fastify' {
  interface FastifyRequest {
    accessToken: AccessToken | null;
    receivedAt: number;
  }
}

/**
 * The template and token routes: `?hapikey=` of the developer account owning the app, or (HubSpot's
 * current spec) a Bearer token of that app with `developers-read` (GET) or `developers-write`.
 * A key wins when both are sent: the official client sends its token on every call it is given.
 * Credentials are checked before the path's appId, as HubSpot's filters run before its resources.
 */
export function developerHook(store: Store, clock: Clock, version: ApiVersion) {
  const readScopes = scopesFor(version, 'templates.read');
  const writeScopes = scopesFor(version, 'templates.write');
  return async (
    request: FastifyRequest<{ Params: { appId: string }; Querystring: { hapikey?: string | string[] } }>,
  ) => {
    const { hapikey } = request.query;
    // `?hapikey=a&hapikey=b` parses as an array: *ours*, a key given more than once is not a valid key
    // (rather than guessing which one counts).
    if (Array.isArray(hapikey)) throw new ApiError('INVALID_API_KEY');
    if (hapikey === undefined && request.headers.authorization !== undefined) {
      const scopes = request.method === 'GET' ? readScopes : writeScopes;
      const token = await authenticateAccessToken(store, request.headers.authorization, scopes, clock.now());
      authorizeTokenApp(token, integerPathParam('appId', request.params.appId));
      return;
    }
    const account = await authenticateDeveloperKey(store, hapikey);
    await authorizeDeveloperApp(store, account, integerPathParam('appId', request.params.appId));
  };
}

export function accessTokenHook(
  store: Store,
  scopes: (request: FastifyRequest) => readonly string[],
  clock: Clock,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      request.accessToken = await authenticateAccessToken(
        store,
        request.headers.authorization,
        scopes(request),
        clock.now(),
      );
    } catch (error) {
      // HubSpot marks an expired OAuth token's 401 with this header too.
      if (error instanceof ApiError && error.code === 'EXPIRED_AUTHENTICATION')
        reply.header('X-HubSpot-Auth-Failure', '401 Unauthorized');
      throw error;
    }
  };
}

/** The token an access-token route was authenticated with. */
export function tokenOf(request: FastifyRequest): AccessToken {
  if (!request.accessToken) throw new Error('route is missing its accessTokenHook');
  return request.accessToken;
}
