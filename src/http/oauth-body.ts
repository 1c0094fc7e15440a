/**
 * How OAuth's routes read their bodies. HubSpot's specs declare them form-encoded
 * (`application/x-www-form-urlencoded`), and that is what OAuth libraries and HubSpot's older clients
 * send. HubSpot's new TypeScript SDK labels its body so too, but hands the plain object it is given
 * to its generic encoder, which writes JSON; so a body under the form label that is a JSON object is
 * read as one (*ours*: whether HubSpot reads it is not known), as is a body sent as
 * `application/json` (app.ts's parser). Either way each field must be one text value.
 */
import type { FastifyInstance } from 'fastify';
import { bodyProblem, isObject } from '../domain/json.js';
import { ApiError, type ErrorDetail } from '../errors.js';

/** Registers the form parser on OAuth's routes (and theirs only: the rest of the API is JSON). */
export function acceptOAuthForms(app: FastifyInstance, maxDepth: number): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, text, done) => {
      const body = String(text);
      // Kept for the request journal, which redacts its credential fields (redact.ts).
      request.rawBody = body;
      try {
        done(null, parseFormOrJson(body, maxDepth));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

function parseFormOrJson(body: string, maxDepth: number): unknown {
  if (!body.trimStart().startsWith('{')) {
    // A form: a name given twice keeps every value, so readFields can refuse it rather than guess.
    const fields: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of new URLSearchParams(body)) {
      const seen = fields[name];
      fields[name] = seen === undefined ? value : [seen, value].flat();
    }
    return fields;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badRequest('the body must be form-encoded fields (or a JSON object of them)', 'body');
  }
  // Nothing recursive (the journal's redaction) may walk a body nested without bound.
  if (bodyProblem(parsed, maxDepth, body)?.problem === 'depth')
    throw badRequest(
      `the body nests deeper than ${maxDepth} levels: send a flat object of text fields`,
      'body',
    );
  return parsed;
}

/**
 * The body's fields, each one text value: a field given twice in a form, or a JSON body holding a
 * number, an object or null, is refused naming the field, rather than read as something else.
 * Fields the route does not know are ignored, as OAuth servers do (RFC 6749, section 3.2).
 */
export function readFields(body: unknown): Record<string, string> {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw badRequest('the body must be a form of named fields', 'body');
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw badRequest(`${name} must be given once, as text`, name);
    fields[name] = value;
  }
  return fields;
}

/** A field the request must hold: a 400 naming it. */
export function requireField(fields: Record<string, string>, name: string): void {
  if (fields[name] === undefined || fields[name] === '')
    throw badRequest(`${name} is required`, name, 'REQUIRED_FIELD');
}

export function badRequest(detail: string, field: string, code: ErrorDetail['code'] = 'INVALID_VALUE') {
  return new ApiError('OAUTH_BAD_REQUEST', { detail }, { details: [{ message: detail, code, in: field }] });
}
