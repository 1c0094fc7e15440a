/**
 * The JSON Schema check of an input that arrives from code rather than over HTTP (`server.addFault`,
 * `server.seed`, a `--seed` file): the same schema the route gives Fastify, run by Ajv with the
 * options `http/app.ts` gives Fastify's (every error, no coercion, no defaults, nothing removed),
 * so both doors refuse the same input with the same problems.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorDetail } from '../errors.js';
import { schemaDetails } from './schema-problems.js';

let shared: Ajv | undefined;

function ajv(): Ajv {
  if (!shared) {
    shared = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false });
    addFormats.default(shared);
  }
  return shared;
}

/** A check of `schema`, compiled once: the problems of a value, none when it conforms. */
export function schemaCheck(schema: object): (value: unknown) => ErrorDetail[] {
  let validate: ValidateFunction | undefined;
  return (value) => {
    validate ??= ajv().compile(schema);
    return validate(value) ? [] : schemaDetails(validate.errors ?? [], 'body', schema);
  };
}
