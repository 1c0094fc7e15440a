/**
 * App event occurrences and type names (HubSpot's current platform), under each app-event version's
 * prefix of the API version table; Bearer tokens (OAuth or the provisioned one).
 */
import type { FastifyInstance } from 'fastify';
import { scopesFor } from '../../domain/api-versions.js';
import { fullyQualifiedName } from '../../domain/app-event-type-service.js';
import { invalidInput } from '../../errors.js';
import { accessTokenHook, tokenOf } from '../auth-hooks.js';
import type { VersionedDeps } from '../deps.js';
import { occurrenceBatchToWire } from '../presenters.js';
import { requestFacts } from '../request-facts.js';

export async function appEventRoutes(app: FastifyInstance, options: VersionedDeps): Promise<void> {
  const { store, appEvents, appEventTypes, config, version, clock } = options;
  const [typeScopes, writeScopes] = [scopesFor(version, 'types.read'), scopesFor(version, 'events.write')];
  app.addHook(
    'onRequest',
    accessTokenHook(
      store,
      (request) => (request.url.split('?')[0]?.endsWith('/types/projects') ? typeScopes : writeScopes),
      clock,
    ),
  );

  app.post<{ Body: unknown }>('/events', { schema: { body: { type: 'object' } } }, async (request, reply) => {
    const stored = await appEvents.createOne(tokenOf(request), request.body, requestFacts(request));
    request.storedEventIds = [stored.event.id];
    // HubSpot answers a stored occurrence with 200 and no body (its SDK types it `void`).
    return reply.code(200).send();
  });

  app.post<{ Body: { inputs: unknown[] } }>(
    '/events/batch',
    {
      schema: {
        body: {
          type: 'object',
          required: ['inputs'],
          properties: { inputs: { type: 'array', maxItems: config.limits.MAX_BATCH_INPUTS } },
        },
      },
    },
    async (request) => {
      const batch = await appEvents.createBatch(tokenOf(request), request.body.inputs, requestFacts(request));
      request.storedEventIds = batch.results.map((result) => result.event.id);
      return occurrenceBatchToWire(batch);
    },
  );

  app.post<{ Body: unknown }>('/types/projects', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const problems = (['developerSymbol', 'projectName'] as const)
      .filter((field) => typeof body[field] !== 'string' || body[field] === '')
      .map((field) => ({
        message: `${field} is required (a non-empty string)`,
        code: 'REQUIRED_FIELD' as const,
        in: field,
      }));
    if (problems.length > 0) throw invalidInput(problems);
    const developerSymbol = body.developerSymbol as string;
    const type = await appEventTypes.byProject(tokenOf(request).appId, developerSymbol);
    return {
      developerQualifiedSymbol: { developerSymbol, projectName: body.projectName },
      fullyQualifiedName: fullyQualifiedName(type),
    };
  });
}
