/**
 * HubSpot's minimal schemas API for custom objects: create, list, get. Served under `/crm/v3/schemas`
 * (HubSpot's docs) and `/crm-object-schemas/v3/schemas` (what the official Node client 14 calls).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessTokenHook, tokenOf } from '../auth-hooks.js';
import type { AppDeps } from '../deps.js';
import { schemaProblems } from '../error-handler.js';
import { objectSchemaToWire } from '../presenters.js';
import { booleanParam } from '../query-params.js';
import { type CoercibleSchema, coerceScalars } from '../schemas/coerce-scalars.js';
import { objectSchemaCreateBody } from '../schemas/object-schema-schemas.js';

export const SCHEMA_PREFIXES = ['/crm/v3/schemas', '/crm-object-schemas/v3/schemas'] as const;

export async function crmSchemaRoutes(
  app: FastifyInstance,
  { store, schemas, clock }: AppDeps,
): Promise<void> {
  app.addHook(
    'onRequest',
    accessTokenHook(
      store,
      (request) =>
        request.method === 'GET'
          ? ['crm.schemas.custom.read', 'crm.schemas.custom.write']
          : ['crm.schemas.custom.write'],
      clock,
    ),
  );
  const coerce = (schema: CoercibleSchema) => async (request: FastifyRequest) => {
    request.body = coerceScalars(request.body, schema);
  };

  for (const prefix of SCHEMA_PREFIXES) {
    app.post(
      prefix,
      {
        schema: { body: objectSchemaCreateBody },
        attachValidation: true,
        preValidation: coerce(objectSchemaCreateBody),
      },
      async (request, reply) => {
        const problems = schemaProblems(request.validationError);
        const created = await schemas.create(tokenOf(request).portalId, request.body, problems);
        return reply.code(201).send(objectSchemaToWire(created));
      },
    );

    app.get<{ Querystring: { archived?: string } }>(prefix, async (request) => {
      // No schema is ever archived here: `archived=true` lists none (HubSpot's Python client
      // sends `archived=False`).
      const archived = booleanParam('archived', request.query.archived, false);
      const list = archived ? [] : await schemas.list(tokenOf(request).portalId);
      return { results: list.map(objectSchemaToWire) };
    });

    app.get<{ Params: { objectType: string } }>(`${prefix}/:objectType`, async (request) =>
      objectSchemaToWire(await schemas.get(tokenOf(request).portalId, request.params.objectType)),
    );
  }
}
