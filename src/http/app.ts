/**
 * Builds the Fastify application: body parsing and limits, the correlation id, HubSpot's error
 * envelope on every failure, and the routes under both of HubSpot's timeline prefixes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { webRoutes } from '../web/web-routes.js';
import type { AppDeps } from './deps.js';
import { sendError, toApiError } from './error-handler.js';
import { adminRoutes } from './routes/admin.js';
import { APP_EVENT_VERSIONS, appEventRoutes } from './routes/app-events.js';
import { crmObjectRoutes } from './routes/crm-objects.js';
import { crmSchemaRoutes } from './routes/crm-schemas.js';
import { eventTemplateRoutes } from './routes/event-templates.js';
import { oauthRoutes } from './routes/oauth.js';
import { recordTimelineRoutes } from './routes/record-timelines.js';
import { timelineEventRoutes } from './routes/timeline-events.js';
import { addShutdownGate } from './shutdown-gate.js';

/** The official Node client 12+ uses the first; client 11 and older, and many guides, the second. */
declare module 'fastify' {
  interface FastifyRequest {
    rawBody: string | undefined;
  }
}

export const TIMELINE_PREFIXES = ['/integrators/timeline/v3', '/crm/v3/timeline'] as const;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, ids } = deps;
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.limits.MAX_BODY_BYTES,
    genReqId: () => ids.uuid(),
    // issue 12: a request arriving while the server stops gets HubSpot's 503 (shutdown-gate.ts).
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    ajv: {
      customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false },
    },
  });

  // HubSpot sends the correlation id of every answer as a header too. `receivedAt` is the
  // request's arrival: the `requestedAt` of a batch and the default timestamp of its events.
  app.decorateRequest('receivedAt', 0);
  app.addHook('onRequest', async (request, reply) => {
    request.receivedAt = deps.clock.now();
    reply.header('X-HubSpot-Correlation-Id', request.id);
  });
  addShutdownGate(app);
  app.decorateRequest('accessToken', null);
  // The body as sent, for the line and column of a value HubSpot's parser would refuse.
  app.decorateRequest('rawBody', undefined);

  // JSON only (Fastify's text/plain parser goes too), parsed by us so a malformed body gets
  // HubSpot's envelope with the parser's reason.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json\b/,
    { parseAs: 'string' },
    (request, body, done) => {
      if (body === '') {
        // A DELETE or GET with a JSON content type and no body is simply a request without a body.
        if (request.method === 'DELETE' || request.method === 'GET') return done(null, undefined);
        return done(new ApiError('MALFORMED_JSON', { detail: 'the body is empty' }), undefined);
      }
      try {
        const parsed = JSON.parse(body as string);
        request.rawBody = body as string;
        done(null, parsed);
      } catch (error) {
        done(new ApiError('MALFORMED_JSON', { detail: (error as Error).message }), undefined);
      }
    },
  );

  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error, request, config.limits.MAX_BODY_BYTES);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ApiError('ROUTE_NOT_FOUND', { method: request.method, path: request.url.split('?')[0] ?? '' }),
    ),
  );

  app.get('/_health', async () => ({ status: 'ok' }));
  for (const prefix of TIMELINE_PREFIXES) {
    await app.register(eventTemplateRoutes, { prefix, ...deps });
    await app.register(timelineEventRoutes, { prefix, ...deps });
  }
  // issue 14: app events (HubSpot's current platform) beside v3
  for (const version of APP_EVENT_VERSIONS) {
    await app.register(appEventRoutes, { prefix: `/integrators/timeline/${version}`, ...deps, version });
  }
  await app.register(oauthRoutes, deps);
  await app.register(crmObjectRoutes, deps);
  await app.register(crmSchemaRoutes, deps);
  await app.register(adminRoutes, deps);
  // issue 11: record timelines (ours)
  await app.register(recordTimelineRoutes, deps);
  await app.register(webRoutes, deps);
  return app;
}
