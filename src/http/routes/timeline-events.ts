/** v3's timeline events: create (batch and single), read, and render (Bearer token). */
import type { FastifyInstance } from 'fastify';
import { scopesFor } from '../../domain/api-versions.js';
import { accessTokenHook, tokenOf } from '../auth-hooks.js';
import type { VersionedDeps } from '../deps.js';
import { batchToWire, eventToWire } from '../presenters.js';
import { booleanParam } from '../query-params.js';
import { requestFacts } from '../request-facts.js';
import { batchCreatedResponse, eventResponse } from '../schemas/event-response-schemas.js';

interface EventParams {
  eventTemplateId: string;
  eventId: string;
}

export async function timelineEventRoutes(app: FastifyInstance, deps: VersionedDeps): Promise<void> {
  const { store, events, rendering, version } = deps;
  const [readScopes, writeScopes] = [scopesFor(version, 'events.read'), scopesFor(version, 'events.write')];
  app.addHook(
    'onRequest',
    accessTokenHook(store, (request) => (request.method === 'GET' ? readScopes : writeScopes), deps.clock),
  );

  // No JSON Schema on the create bodies: the domain parses them as HubSpot's Jackson does, and a
  // malformed body fails with the line and column of the offending input.
  app.post(
    '/events/batch/create',
    { schema: { response: { 201: batchCreatedResponse, 207: {} } } },
    async (request, reply) => {
      const outcome = await events.createBatch(tokenOf(request), request.body, requestFacts(request));
      request.storedEventIds = outcome.results.map((event) => event.id);
      // 201 when every input was created; 207 (Multi-Status) when any failed, with `numErrors`.
      return reply.code(outcome.errors.length === 0 ? 201 : 207).send(batchToWire(outcome));
    },
  );

  app.post('/events', { schema: { response: { 201: eventResponse } } }, async (request, reply) => {
    const event = await events.createOne(tokenOf(request), request.body, requestFacts(request));
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
