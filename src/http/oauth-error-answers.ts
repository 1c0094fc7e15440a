/**
 * How OAuth's failures are answered. `/oauth/v1` keeps its legacy body `{status: "BAD_…", message,
 * correlationId}`. The current API (`/oauth/v3` and the dated versions) answers HubSpot's `Error`
 * envelope, as its specs declare for every failure, and the RFC 6749 fields `error` and
 * `error_description`, which HubSpot's changelog "New OAuth v3 API Endpoints and Standardized Error
 * Responses" says its OAuth errors carry (OAuth libraries read them). HubSpot's specs list no status
 * or category per failure: the table below is *ours*, from RFC 6749 section 5.2 (400, and 401 for
 * a client that failed to authenticate) and HubSpot's pairing of 400 with `VALIDATION_ERROR` and of
 * 401 with `INVALID_AUTHENTICATION`. The `subCategory` is the failure's v1 name (`BAD_AUTH_CODE`,
 * ...), so an app moving from v1 matches the same names.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorBody, type ErrorCode, toErrorBody, toOAuthErrorBody } from '../errors.js';
import { toApiError } from './error-handler.js';
import { badRequest } from './oauth-body.js';

/** RFC 6749 section 5.2's error codes (and RFC 7009's, none of which applies here). */
export type RfcOAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export interface CurrentOAuthAnswer {
  status: 400 | 401;
  category: 'VALIDATION_ERROR' | 'INVALID_AUTHENTICATION';
  error: RfcOAuthError;
  /** The field the failure is about, when the error names none of its own. */
  field?: string;
}

type OAuthCode = Extract<ErrorCode, `OAUTH_${string}`>;

const invalid = (error: RfcOAuthError, field?: string): CurrentOAuthAnswer => ({
  status: 400,
  category: 'VALIDATION_ERROR',
  error,
  ...(field === undefined ? {} : { field }),
});
const unauthenticated = (field: string): CurrentOAuthAnswer => ({
  status: 401,
  category: 'INVALID_AUTHENTICATION',
  error: 'invalid_client',
  field,
});

/**
 * Every OAuth failure as the current API answers it. `OAUTH_TOKEN_NOT_FOUND` is v1's 404 for its
 * information routes; the current API answers an unknown token `{active: false}` instead.
 */
export const CURRENT_OAUTH_ANSWERS: Readonly<
  Record<Exclude<OAuthCode, 'OAUTH_TOKEN_NOT_FOUND'>, CurrentOAuthAnswer>
> = {
  OAUTH_BAD_REQUEST: invalid('invalid_request'),
  OAUTH_BAD_GRANT_TYPE: invalid('unsupported_grant_type', 'grant_type'),
  OAUTH_JWT_BEARER_UNSUPPORTED: invalid('unsupported_grant_type', 'grant_type'),
  // RFC 6749 names an unsupported client authentication method `invalid_client`; 400, as a request
  // the server cannot read rather than a wrong secret.
  OAUTH_CLIENT_ASSERTION_UNSUPPORTED: invalid('invalid_client'),
  OAUTH_BAD_AUTH_CODE: invalid('invalid_grant', 'code'),
  OAUTH_EXPIRED_AUTH_CODE: invalid('invalid_grant', 'code'),
  OAUTH_BAD_CODE_VERIFIER: invalid('invalid_grant', 'code_verifier'),
  OAUTH_BAD_REFRESH_TOKEN: invalid('invalid_grant', 'refresh_token'),
  // RFC 6749: a redirect URI that is not the authorization request's is an invalid grant.
  OAUTH_BAD_REDIRECT_URI: invalid('invalid_grant', 'redirect_uri'),
  OAUTH_BAD_SCOPE: invalid('invalid_scope', 'scope'),
  OAUTH_UNAUTHORIZED_CLIENT: invalid('unauthorized_client', 'grant_type'),
  OAUTH_BAD_CLIENT_ID: unauthenticated('client_id'),
  OAUTH_BAD_CLIENT_SECRET: unauthenticated('client_secret'),
};

export function isOAuthError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code.startsWith('OAUTH_');
}

/** `/oauth/v1`'s legacy body. */
export function sendLegacyOAuthError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(toOAuthErrorBody(error, String(reply.request.id)));
}

/** The current API's body: HubSpot's envelope, with RFC 6749's `error` and `error_description`. */
export interface CurrentOAuthErrorBody extends ErrorBody {
  error: RfcOAuthError;
  error_description: string;
}

export function currentOAuthError(error: ApiError, correlationId: string): CurrentOAuthErrorBody {
  const answer =
    CURRENT_OAUTH_ANSWERS[error.code as keyof typeof CURRENT_OAUTH_ANSWERS] ?? invalid('invalid_request');
  const body = toErrorBody(error, correlationId);
  const { field } = answer;
  const errors = body.errors ?? (field === undefined ? undefined : [{ message: error.message, in: field }]);
  return {
    ...body,
    category: answer.category,
    subCategory: error.category,
    ...(errors === undefined ? {} : { errors }),
    error: answer.error,
    error_description: error.message,
  };
}

export function sendCurrentOAuthError(reply: FastifyReply, error: ApiError): FastifyReply {
  const answer = CURRENT_OAUTH_ANSWERS[error.code as keyof typeof CURRENT_OAUTH_ANSWERS];
  if (answer?.status === 401) reply.header('X-HubSpot-Auth-Failure', '401 Unauthorized');
  return reply
    .code(answer?.status ?? 400)
    .type('application/json; charset=utf-8')
    .send(currentOAuthError(error, String(reply.request.id)));
}

/**
 * Any failure on an OAuth route as an ApiError: OAuth's own, a body in a format these routes do not
 * read (which the rest of the API would answer with "send application/json"), or what the shared
 * handler makes of the rest (a body too large, an unexpected failure, logged).
 */
export function oauthFailure(error: unknown, request: FastifyRequest, bodyLimit: number): ApiError {
  if (error instanceof ApiError) return error;
  if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' && !request.is404) {
    const type = request.headers['content-type'] ?? '';
    return badRequest(
      `Content-Type '${type}' is not supported: send the fields form-encoded (application/x-www-form-urlencoded)`,
      'Content-Type',
    );
  }
  const failure = toApiError(error, request, bodyLimit);
  if (failure.status >= 500) request.log.error({ err: error }, 'request failed');
  return failure;
}
