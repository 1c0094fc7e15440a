/**
 * HubSpot's install step, `/oauth/authorize`: a person of the portal approves the app, and the
 * browser goes back to the app with a code. Approval needs someone signed in to the portal being
 * installed into (a UI session: the admin, or the portal's private-app token), on a form of this
 * server's own (its CSRF token); `auto_approve=1` or `--oauth-auto-approve` approve at once only
 * where the server trusts the app with the portal (oauth-service.ts `trusts`), never for any
 * portal a caller names.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authorization, AuthorizeRequest } from '../domain/oauth-service.js';
import { ApiError, toErrorBody, toOAuthErrorBody } from '../errors.js';
import { csrfToken, formFields, postIsOurs, sendPage, sessionIdOf } from './browser-session.js';
import type { WebDeps } from './web-deps.js';
import { page, views } from './web-views.js';

/** The query parameters of an authorize request, as OAuth names them. */
const AUTHORIZE_PARAMETERS = [
  'client_id',
  'redirect_uri',
  'scope',
  'optional_scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

/** OAuth's legacy error body, as the token endpoint answers. */
function sendLegacy(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(toOAuthErrorBody(error, String(reply.request.id)));
}

/** The authorize request's parameters, each given once (a parameter given twice is refused). */
function authorizeFields(given: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (typeof value !== 'string')
      throw new ApiError('OAUTH_BAD_REQUEST', { detail: `${name} must be given once` });
    fields[name] = value;
  }
  return fields;
}

function authorizeRequest(fields: Record<string, string>): AuthorizeRequest {
  const request: AuthorizeRequest = {};
  if (fields.client_id !== undefined) request.clientId = fields.client_id;
  if (fields.redirect_uri !== undefined) request.redirectUri = fields.redirect_uri;
  if (fields.scope !== undefined) request.scope = fields.scope;
  if (fields.optional_scope !== undefined) request.optionalScope = fields.optional_scope;
  if (fields.state !== undefined) request.state = fields.state;
  if (fields.code_challenge !== undefined) request.codeChallenge = fields.code_challenge;
  if (fields.code_challenge_method !== undefined) request.codeChallengeMethod = fields.code_challenge_method;
  return request;
}

function portalParameter(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,14}$/.test(text))
    throw new ApiError('OAUTH_BAD_REQUEST', { detail: 'portal_id must be a whole number' });
  return Number(text);
}

export async function oauthApprovalRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { oauth, sessions } = deps;
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError && error.code.startsWith('OAUTH_')) return sendLegacy(reply, error);
    const known =
      error instanceof ApiError
        ? error
        : new ApiError('OAUTH_BAD_REQUEST', { detail: 'the request is not valid' });
    return reply.code(known.status).send(toErrorBody(known, request.id));
  });

  /** The approval page: the app, the scopes, the portals the person may install into. */
  async function approvalPage(
    request: FastifyRequest,
    reply: FastifyReply,
    fields: Record<string, string>,
    authorization: Authorization,
    error?: string,
  ) {
    const signedIn = await sessions.find(sessionIdOf(request));
    const hidden = AUTHORIZE_PARAMETERS.flatMap((name) =>
      fields[name] === undefined ? [] : [{ name, value: fields[name] }],
    );
    const query = new URLSearchParams(
      hidden.map(({ name, value }): [string, string] => [name, value as string]),
    ).toString();
    const wanted = portalParameter(fields.portal_id);
    const body = views.approval({
      appId: authorization.client.appId,
      scopes: authorization.scopes,
      hidden,
      csrf: csrfToken(request, reply),
      error,
      portals: signedIn?.portalIds.map((id) => ({ id, selected: id === (wanted ?? signedIn.portalIds[0]) })),
      signInLink: `/ui?${new URLSearchParams({ next: `/oauth/authorize?${query}` }).toString()}`,
    });
    return sendPage(
      reply,
      page({
        title: `Connect app ${authorization.client.appId}`,
        signedIn: false,
        body,
        csrf: csrfToken(request, reply),
      }),
      error ? 403 : 200,
    );
  }

  app.get<{ Querystring: Record<string, unknown> }>('/oauth/authorize', async (request, reply) => {
    const fields = authorizeFields(request.query);
    const authorization = await oauth.authorize(authorizeRequest(fields));
    const portalId = portalParameter(fields.portal_id) ?? deps.defaultPortalId;
    const autoApprove = deps.oauthAutoApprove || fields.auto_approve === '1';
    if (autoApprove && (await oauth.trusts(authorization.client.appId, portalId)))
      return reply.redirect(await oauth.approve(authorization, portalId), 302);
    return approvalPage(request, reply, fields, authorization);
  });

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  // The approval itself: a person signed in to the portal, on this server's own form.
  app.post('/oauth/authorize', async (request, reply) => {
    const fields = formFields(request.body);
    const authorization = await oauth.authorize(authorizeRequest(fields));
    if (!postIsOurs(request, fields.csrf))
      return approvalPage(request, reply, fields, authorization, 'This form expired: approve again.');
    const portalId = portalParameter(fields.portal_id);
    const signedIn = portalId === undefined ? undefined : await sessions.find(sessionIdOf(request), portalId);
    if (!signedIn || portalId === undefined)
      return approvalPage(
        request,
        reply,
        fields,
        authorization,
        'Sign in to the portal you install the app into, then approve.',
      );
    return reply.redirect(await oauth.approve(authorization, portalId), 303);
  });
}
