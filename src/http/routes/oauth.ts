/**
 * The OAuth stand-in's API routes: `POST /oauth/v1/token` (form-encoded), token information and
 * refresh-token revocation (the browser's approval step, `/oauth/authorize`, is a page of the web
 * UI: web/oauth-approval.ts). Their errors keep OAuth's legacy shape
 * `{status, message, correlationId}`, where `status` names the failure (`BAD_AUTH_CODE`, ...).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TokenRequest } from '../../domain/oauth-service.js';
import { ApiError, toOAuthErrorBody } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { sendError, toApiError } from '../error-handler.js';

function sendLegacy(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(toOAuthErrorBody(error, String(reply.request.id)));
}

/**
 * The token request's fields, each one string (issue 12): a field given twice in a form parses as an
 * array, and a JSON body may hold anything; both are refused in OAuth's shape, naming the field.
 */
function tokenRequest(body: unknown): TokenRequest {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new ApiError('OAUTH_BAD_REQUEST', { detail: 'the body must be a form of named fields' });
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string')
      throw new ApiError('OAUTH_BAD_REQUEST', { detail: `${name} must be given once, as text` });
  }
  return body as TokenRequest;
}

export async function oauthRoutes(app: FastifyInstance, { oauth, config }: AppDeps): Promise<void> {
  // The token endpoint is form-encoded (OAuth 2.0); only these routes read forms.
  await app.register(formbody);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError && error.code.startsWith('OAUTH_')) return sendLegacy(reply, error);
    return sendError(reply, toApiError(error, request, config.limits.MAX_BODY_BYTES));
  });

  app.post<{ Body: unknown }>('/oauth/v1/token', async (request) => oauth.token(tokenRequest(request.body)));

  app.get<{ Params: { token: string } }>('/oauth/v1/access-tokens/:token', async (request) =>
    oauth.accessTokenInfo(request.params.token),
  );
  app.get<{ Params: { token: string } }>('/oauth/v1/refresh-tokens/:token', async (request) =>
    oauth.refreshTokenInfo(request.params.token),
  );
  app.delete<{ Params: { token: string } }>('/oauth/v1/refresh-tokens/:token', async (request, reply) => {
    await oauth.revokeRefreshToken(request.params.token);
    return reply.code(204).send();
  });
}
