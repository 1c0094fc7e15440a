/**
 * Turns every failure into HubSpot's error envelope: our ApiErrors as they are, Fastify's own
 * (body parsing, size, schema validation, unknown routes) mapped to the matching catalogue code,
 * and anything unexpected into a 500 (or a 503 when the store is unreachable) that leaks nothing.
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputParseFailure, TooManyInputs } from '../domain/events/v3-event-parsing.js';
import { type SchemaError, schemaDetails } from '../domain/schema-problems.js';
import { isStoreUnavailable } from '../domain/store-errors.js';
import { ApiError, type DetailCode, type ErrorDetail, invalidInput, toErrorBody } from '../errors.js';
import { redactPath } from '../redact.js';
import { locate } from './json-location.js';

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  // HubSpot marks every authentication failure with this header (seen on its 401s).
  if (error.status === 401) reply.header('X-HubSpot-Auth-Failure', '401 Unauthorized');
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(toErrorBody(error, String(reply.request.id)));
}

export function toApiError(error: unknown, request: FastifyRequest, bodyLimit: number): ApiError {
  // A path no route serves is a 404 even when its body could not be read: Fastify parses the body
  // before it calls the not-found handler.
  if (request.is404) {
    return new ApiError('ROUTE_NOT_FOUND', {
      method: request.method,
      path: redactPath(request.url.split('?')[0] ?? ''),
    });
  }
  if (error instanceof ApiError) return error;
  if (error instanceof InputParseFailure) return parseFailureError(error, request.rawBody);
  if (error instanceof TooManyInputs) {
    return invalidInput([{ message: error.message, code: 'TOO_MANY', in: 'inputs' }]);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return invalidInput(schemaProblems(fastifyError, request));
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // HubSpot answers a non-JSON body with a 400 (the rule), not the 415 Fastify would.
      return new ApiError('UNSUPPORTED_CONTENT_TYPE', { contentType: request.headers['content-type'] ?? '' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('BODY_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('MALFORMED_JSON', { detail: 'the body is empty' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('MALFORMED_JSON', { detail: 'the body does not match its Content-Length' });
  }
  if (isStoreUnavailable(error)) return new ApiError('STORE_UNAVAILABLE');
  return new ApiError('INTERNAL_ERROR', { correlationId: String(request.id) });
}

/**
 * A body HubSpot's parser refuses, in its words: `Invalid input JSON on line 1, column 77: Cannot
 * build TimelineEvent, some of required attributes are not set [eventTemplateId]`.
 */
function parseFailureError(failure: InputParseFailure, rawBody: string | undefined): ApiError {
  const { line, column } = locate(rawBody, failure.path, failure.at);
  const code: DetailCode = failure.reason.startsWith('Cannot build') ? 'REQUIRED_FIELD' : 'INVALID_TYPE';
  return new ApiError(
    'INPUT_NOT_PARSED',
    { line, column, reason: failure.reason },
    { details: [{ message: failure.reason, code, in: failure.field }] },
  );
}

/**
 * The problems a route's JSON Schema found (a route with `attachValidation` reads them from
 * `request.validationError`), each naming its field, so the domain can add its own to the same 400.
 * Given the request, an unknown field's message lists the fields its schema takes.
 */
export function schemaProblems(
  error: SchemaFailure | undefined | null,
  request?: Pick<FastifyRequest, 'routeOptions'>,
): ErrorDetail[] {
  const context = error?.validationContext;
  const schema = context
    ? (request?.routeOptions.schema as Record<string, unknown> | undefined)?.[context]
    : undefined;
  return schemaDetails(error?.validation ?? [], context, schema);
}

interface SchemaFailure {
  validation?: readonly SchemaError[];
  validationContext?: string;
}
