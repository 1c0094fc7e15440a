/** Operations 1 to 5: create (batch and single), read, and render timeline events (Bearer token). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestFacts } from '../../domain/event-service.js';
import { ApiError } from '../../errors.js';
import { accessTokenHook, TIMELINE_READ_SCOPES, TIMELINE_WRITE_SCOPES, tokenOf } from '../auth-hooks.js';
import type { AppDeps } from '../deps.js';
import { batchToWire, eventToWire } from '../presenters.js';

/** When the request came and how large its body was (from Content-Length, when sent). */
function requestFacts(request: FastifyRequest): RequestFacts {
  const length = Number(request.headers['content-length']);
  return Number.isInteger(length)
    ? { requestedAt: request.receivedAt, bodyBytes: length }
    : { requestedAt: request.receivedAt };
}

interface EventParams {
  eventTemplateId: string;
  eventId: string;
}

export async function timelineEventRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { store, events, renderer, config } = deps;
  app.addHook(
    'onRequest',
    accessTokenHook(store, (request) =>
      request.method === 'GET' ? TIMELINE_READ_SCOPES : TIMELINE_WRITE_SCOPES,
    ),
  );

  const batchBody = {
    type: 'object',
    required: ['inputs'],
    properties: { inputs: { type: 'array', maxItems: config.limits.MAX_BATCH_INPUTS } },
  } as const;

  app.post<{ Body: { inputs: unknown[] } }>(
    '/events/batch/create',
    { schema: { body: batchBody } },
    async (request, reply) => {
      const outcome = await events.createBatch(tokenOf(request), request.body.inputs, requestFacts(request));
      // 201 when every input was created; 207 (Multi-Status) when any failed, with `numErrors`.
      return reply.code(outcome.errors.length === 0 ? 201 : 207).send(batchToWire(outcome));
    },
  );

  app.post<{ Body: unknown }>('/events', { schema: { body: { type: 'object' } } }, async (request, reply) => {
    const event = await events.createOne(tokenOf(request), request.body, requestFacts(request));
    return reply.code(201).send(eventToWire(event));
  });

  app.get<{ Params: EventParams }>('/events/:eventTemplateId/:eventId', async (request) => {
    const { params } = request;
    return eventToWire(await events.get(tokenOf(request), params.eventTemplateId, params.eventId));
  });

  const renderEvent = async (
    params: EventParams,
    token: ReturnType<typeof tokenOf>,
    kind: 'header' | 'detail',
  ) => {
    const { event, template } = await events.getWithTemplate(token, params.eventTemplateId, params.eventId);
    const portal = await store.getPortal(token.portalId);
    return renderer.render(
      {
        id: template.id,
        version: template.version,
        headerTemplate: template.headerTemplate ?? '',
        detailTemplate: template.detailTemplate ?? '',
      },
      event,
      kind,
      portal?.timeZone ?? 'UTC',
    );
  };

  app.get<{ Params: EventParams; Querystring: { detail?: string } }>(
    '/events/:eventTemplateId/:eventId/render',
    async (request, reply) => {
      const detail = request.query.detail;
      if (detail !== undefined && detail !== 'true' && detail !== 'false') {
        throw new ApiError(
          'INVALID_INPUT',
          { detail: `detail must be true or false, got '${detail}'` },
          {
            details: [{ message: 'detail must be true or false', code: 'INVALID_TYPE', in: 'detail' }],
          },
        );
      }
      const html = await renderEvent(
        request.params,
        tokenOf(request),
        detail === 'true' ? 'detail' : 'header',
      );
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  app.get<{ Params: EventParams }>('/events/:eventTemplateId/:eventId/detail', async (request) => {
    return { details: await renderEvent(request.params, tokenOf(request), 'detail') };
  });
}
