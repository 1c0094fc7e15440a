/**
 * `/oauth/v1`, HubSpot's legacy OAuth API (sunset 2027-02-16): `POST /token` (form-encoded), token
 * information by path and refresh-token deletion. Its errors keep the legacy shape
 * `{status, message, correlationId}`, where `status` names the failure (`BAD_AUTH_CODE`, ...).
 */
import type { FastifyInstance } from 'fastify';
import type { OAuthVersionDeps } from '../deps.js';
import { sendError } from '../error-handler.js';
import { readFields } from '../oauth-body.js';
import { isOAuthError, oauthFailure, sendLegacyOAuthError } from '../oauth-error-answers.js';

export async function legacyOAuthRoutes(
  app: FastifyInstance,
  { oauth, config, oauthVersion }: OAuthVersionDeps,
): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const failure = oauthFailure(error, request, config.limits.MAX_BODY_BYTES);
    return isOAuthError(failure) ? sendLegacyOAuthError(reply, failure) : sendError(reply, failure);
  });

  app.post<{ Body: unknown }>('/token', async (request) =>
    oauth.token(readFields(request.body), oauthVersion.grants),
  );
  app.get<{ Params: { token: string } }>('/access-tokens/:token', async (request) =>
    oauth.tokenInfo.accessTokenInfo(request.params.token),
  );
  app.get<{ Params: { token: string } }>('/refresh-tokens/:token', async (request) =>
    oauth.tokenInfo.refreshTokenInfo(request.params.token),
  );
  app.delete<{ Params: { token: string } }>('/refresh-tokens/:token', async (request, reply) => {
    await oauth.tokenInfo.revokeRefreshToken(request.params.token);
    return reply.code(204).send();
  });
}
