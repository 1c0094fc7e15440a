/**
 * Turns every failure into HubSpot's error envelope: our ApiErrors as they are, Fastify's own
 * (body parsing, size, schema validation, unknown routes) mapped to the matching catalogue code,
 * and anything unexpected into a 500 (or a 503 when the store is unreachable) that leaks nothing.
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputParseFailure, TooManyInputs } from '../domain/events/v3-event-parsing.js';
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
  if (fastifyError.validation) return invalidInput(schemaProblems(fastifyError));
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
 */
export function schemaProblems(error: SchemaFailure | undefined | null): ErrorDetail[] {
  return (error?.validation ?? []).map((v) => validationDetail(v, error?.validationContext));
}

interface SchemaFailure {
  validation?: readonly AjvError[];
  validationContext?: string;
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** An Ajv error as HubSpot's ErrorDetail: `in` names the field (`tokens[0].name`). */
function validationDetail(v: AjvError, where: string | undefined): ErrorDetail {
  let path = (v.instancePath ?? '')
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  const missing = v.params?.missingProperty;
  if (v.keyword === 'required' && typeof missing === 'string') path = path ? `${path}.${missing}` : missing;
  const field = path || (where === 'body' ? 'body' : (where ?? 'request'));
  const codes: Record<string, DetailCode> = {
    required: 'REQUIRED_FIELD',
    type: 'INVALID_TYPE',
    enum: 'INVALID_ENUM',
    pattern: 'INVALID_FORMAT',
    minLength: 'REQUIRED_FIELD',
    maxItems: 'TOO_MANY',
    minItems: 'TOO_FEW',
    maxLength: 'TOO_LONG',
  };
  const detail: ErrorDetail = { message: readableMessage(field, v), in: field };
  const code = codes[v.keyword ?? ''];
  if (code) detail.code = code;
  return detail;
}

/** What was wrong with the field, in words a HubSpot user reads (not Ajv's "must have required property"). */
function readableMessage(field: string, v: AjvError): string {
  const params = v.params ?? {};
  switch (v.keyword) {
    case 'required':
      return `${field} is required`;
    case 'type':
      return `${field} must be ${article(String(params.type))}`;
    case 'enum':
      return Array.isArray(params.allowedValues)
        ? `${field} must be one of ${(params.allowedValues as unknown[]).join(', ')}`
        : `${field} is not one of the allowed values`;
    case 'minLength':
      return `${field} must not be empty`;
    case 'maxLength':
      return `${field} must be at most ${String(params.limit)} characters long`;
    case 'maxItems':
      return `${field} must have at most ${String(params.limit)} items`;
    case 'minItems':
      return `${field} must have at least ${String(params.limit)} items`;
    case 'pattern':
      return `${field} is not in the expected format`;
    default:
      return `${field} is not valid`;
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    object: 'an object',
    array: 'an array',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
  };
  return names[type] ?? type;
}
