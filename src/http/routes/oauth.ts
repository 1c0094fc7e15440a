/**
 * The OAuth stand-in's routes (contract section 5): `/oauth/authorize` (a small approval page, or
 * at once with `auto_approve=1` / `--oauth-auto-approve`), `POST /oauth/v1/token` (form-encoded),
 * token information and refresh-token revocation. Their errors keep OAuth's legacy shape
 * `{status, message, correlationId}`, where `status` names the failure (`BAD_AUTH_CODE`, ...).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Authorization, TokenRequest } from '../../domain/oauth-service.js';
import { ApiError } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { sendError, toApiError } from '../error-handler.js';

interface AuthorizeQuery {
  client_id?: string;
  redirect_uri?: string;
  scope?: string;
  optional_scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  auto_approve?: string;
  approve?: string;
  portal_id?: string;
}

function sendLegacy(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({ status: error.category, message: error.message, correlationId: String(reply.request.id) });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The approval page: the app, the scopes, a portal to install into, and one button. */
function approvalPage(query: AuthorizeQuery, authorization: Authorization, portalId: number): string {
  const hidden = Object.entries(query)
    .filter(
      ([name, value]) =>
        typeof value === 'string' && !['approve', 'portal_id', 'auto_approve'].includes(name),
    )
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(String(value))}">`,
    )
    .join('\n    ');
  const scopes = authorization.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect app ${authorization.client.appId}</title></head>
<body>
  <h1>Connect app ${authorization.client.appId}</h1>
  <p>It asks for: </p><ul>${scopes}</ul>
  <form method="get" action="/oauth/authorize">
    ${hidden}
    <input type="hidden" name="approve" value="1">
    <label>Portal (HubSpot account) id <input name="portal_id" value="${portalId}" inputmode="numeric"></label>
    <button type="submit">Connect app</button>
  </form>
</body></html>`;
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

export async function oauthRoutes(
  app: FastifyInstance,
  { oauth, config, credentials }: AppDeps,
): Promise<void> {
  // The token endpoint is form-encoded (OAuth 2.0); only these routes read forms.
  await app.register(formbody);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError && error.code.startsWith('OAUTH_')) return sendLegacy(reply, error);
    return sendError(reply, toApiError(error, request, config.limits.MAX_BODY_BYTES));
  });

  app.get<{ Querystring: AuthorizeQuery }>('/oauth/authorize', async (request, reply) => {
    const { query } = request;
    // *Ours* (issue 12): a parameter given twice parses as an array; refuse it rather than guess.
    for (const [name, value] of Object.entries(query)) {
      if (typeof value !== 'string')
        throw new ApiError('OAUTH_BAD_REQUEST', { detail: `${name} must be given once` });
    }
    const request_: Parameters<typeof oauth.authorize>[0] = {};
    if (query.client_id !== undefined) request_.clientId = query.client_id;
    if (query.redirect_uri !== undefined) request_.redirectUri = query.redirect_uri;
    if (query.scope !== undefined) request_.scope = query.scope;
    if (query.optional_scope !== undefined) request_.optionalScope = query.optional_scope;
    if (query.state !== undefined) request_.state = query.state;
    if (query.code_challenge !== undefined) request_.codeChallenge = query.code_challenge;
    if (query.code_challenge_method !== undefined) request_.codeChallengeMethod = query.code_challenge_method;
    const authorization = await oauth.authorize(request_);
    const approved = config.oauthAutoApprove || query.auto_approve === '1' || query.approve === '1';
    if (!approved)
      return reply
        .type('text/html; charset=utf-8')
        .send(approvalPage(query, authorization, credentials.portalId));
    const portalId = query.portal_id === undefined ? undefined : Number(query.portal_id);
    if (portalId !== undefined && !Number.isSafeInteger(portalId)) {
      throw new ApiError('OAUTH_BAD_REQUEST', { detail: 'portal_id must be a whole number' });
    }
    return reply.redirect(await oauth.approve(authorization, portalId), 302);
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
