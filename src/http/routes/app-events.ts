/**
 * App event occurrences and type names (HubSpot's current platform, contract sections 3 and 4),
 * under `/integrators/timeline/{v4|2026-03|2026-09}`; Bearer tokens (OAuth or the provisioned one).
 */
import type { FastifyInstance, FastifyPluginOptions } from 'fastify';
import { fullyQualifiedName } from '../../domain/app-event-type-service.js';
import { invalidInput } from '../../errors.js';
import { accessTokenHook, TIMELINE_WRITE_SCOPES, tokenOf } from '../auth-hooks.js';
import type { AppDeps } from '../deps.js';
import { occurrenceBatchToWire } from '../presenters.js';
import { requestFacts } from '../request-facts.js';

/** The API versions that serve app events; v4 is supported until 2027-03-30. */
export const APP_EVENT_VERSIONS = ['v4', '2026-03', '2026-09'] as const;
export type AppEventVersion = (typeof APP_EVENT_VERSIONS)[number];

/** 2026-09 renames the `timeline` scope `timeline-write`; a CRM object write scope serves in all. */
function writeScopes(version: AppEventVersion): readonly string[] {
  return version === '2026-09'
    ? ['timeline-write', ...TIMELINE_WRITE_SCOPES.filter((scope) => scope !== 'timeline')]
    : TIMELINE_WRITE_SCOPES;
}

export interface AppEventRouteOptions extends AppDeps, FastifyPluginOptions {
  version: AppEventVersion;
}

export async function appEventRoutes(app: FastifyInstance, options: AppEventRouteOptions): Promise<void> {
  const { store, appEvents, appEventTypes, config, version, clock, metrics } = options;
  app.addHook(
    'onRequest',
    accessTokenHook(
      store,
      (request) =>
        request.url.split('?')[0]?.endsWith('/types/projects') ? ['developers-read'] : writeScopes(version),
      clock,
    ),
  );

  app.post<{ Body: unknown }>('/events', { schema: { body: { type: 'object' } } }, async (request, reply) => {
    try {
      const stored = await appEvents.createOne(tokenOf(request), request.body, requestFacts(request));
      request.storedEventIds = [stored.event.id];
      metrics.countEvents('app-events', 1, 0);
    } catch (error) {
      metrics.countEvents('app-events', 0, 1);
      throw error;
    }
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
      const { inputs } = request.body;
      try {
        const batch = await appEvents.createBatch(tokenOf(request), inputs, requestFacts(request));
        metrics.countEvents('app-events', batch.results.length, 0);
        request.storedEventIds = batch.results.map((result) => result.event.id);
        return occurrenceBatchToWire(batch);
      } catch (error) {
        // All or nothing: a failed batch stored none of its inputs.
        metrics.countEvents('app-events', 0, inputs.length);
        throw error;
      }
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
