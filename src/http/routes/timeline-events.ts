/** Operations 1 to 5: create (batch and single), read, and render timeline events (Bearer token). */
import type { FastifyInstance } from 'fastify';
import { accessTokenHook, TIMELINE_READ_SCOPES, TIMELINE_WRITE_SCOPES, tokenOf } from '../auth-hooks.js';
import type { AppDeps } from '../deps.js';
import { inputCount, type Metrics } from '../metrics.js';
import { batchToWire, eventToWire } from '../presenters.js';
import { booleanParam } from '../query-params.js';
import { requestFacts } from '../request-facts.js';
import { batchCreatedResponse, eventResponse } from '../schemas/event-response-schemas.js';

/**
 * Runs a create and counts its events for /metrics: a batch's results and errors, one event for
 * the single create; when the whole request fails, every input it held is counted as rejected.
 */
async function countedV3<T extends object>(
  metrics: Metrics,
  body: unknown,
  create: () => Promise<T>,
): Promise<T> {
  try {
    const outcome = await create();
    if (
      'results' in outcome &&
      'errors' in outcome &&
      Array.isArray(outcome.results) &&
      Array.isArray(outcome.errors)
    )
      metrics.countEvents('v3', outcome.results.length, outcome.errors.length);
    else metrics.countEvents('v3', 1, 0);
    return outcome;
  } catch (error) {
    metrics.countEvents('v3', 0, inputCount(body));
    throw error;
  }
}

interface EventParams {
  eventTemplateId: string;
  eventId: string;
}

export async function timelineEventRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { store, events, rendering, metrics } = deps;
  app.addHook(
    'onRequest',
    accessTokenHook(
      store,
      (request) => (request.method === 'GET' ? TIMELINE_READ_SCOPES : TIMELINE_WRITE_SCOPES),
      deps.clock,
    ),
  );

  // No JSON Schema on the create bodies: the domain parses them as HubSpot's Jackson does, and a
  // malformed body fails with the line and column of the offending input.
  app.post(
    '/events/batch/create',
    { schema: { response: { 201: batchCreatedResponse, 207: {} } } },
    async (request, reply) => {
      const outcome = await countedV3(metrics, request.body, () =>
        events.createBatch(tokenOf(request), request.body, requestFacts(request)),
      );
      request.storedEventIds = outcome.results.map((event) => event.id);
      // 201 when every input was created; 207 (Multi-Status) when any failed, with `numErrors`.
      return reply.code(outcome.errors.length === 0 ? 201 : 207).send(batchToWire(outcome));
    },
  );

  app.post('/events', { schema: { response: { 201: eventResponse } } }, async (request, reply) => {
    const event = await countedV3(metrics, request.body, () =>
      events.createOne(tokenOf(request), request.body, requestFacts(request)),
    );
    request.storedEventIds = [event.id];
    return reply.code(201).send(eventToWire(event));
  });

  app.get<{ Params: EventParams }>('/events/:eventTemplateId/:eventId', async (request) => {
    const { params } = request;
    return eventToWire(await events.get(tokenOf(request), params.eventTemplateId, params.eventId));
  });

  app.get<{ Params: EventParams; Querystring: { detail?: string } }>(
    '/events/:eventTemplateId/:eventId/render',
    async (request, reply) => {
      const detail = booleanParam('detail', request.query.detail, false);
      const { eventTemplateId, eventId } = request.params;
      const kind = detail ? 'detail' : 'header';
      const html = await rendering.render(tokenOf(request), eventTemplateId, eventId, kind);
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  app.get<{ Params: EventParams }>('/events/:eventTemplateId/:eventId/detail', async (request) => {
    const { eventTemplateId, eventId } = request.params;
    return { details: await rendering.render(tokenOf(request), eventTemplateId, eventId, 'detail') };
  });
}
