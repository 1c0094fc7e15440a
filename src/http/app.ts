/**
 * Builds the Fastify application: body parsing and limits, the correlation id, HubSpot's error
 * envelope on every failure, and the routes under both of HubSpot's timeline prefixes.
 */

import { isUtf8 } from 'node:buffer';
import { maxHeaderSize } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { API_VERSIONS } from '../domain/api-versions.js';
import { type BodyProblem, bodyProblem, pathText } from '../domain/json.js';
import { ApiError, invalidInput } from '../errors.js';
import { redactPath } from '../redact.js';
import type { AppDeps } from './deps.js';
import { sendError, toApiError } from './error-handler.js';
import { faultHooks } from './hooks/faults.js';
import { journalHooks } from './hooks/journal.js';
import { rateLimitHook } from './hooks/rate-limit.js';
import { loggerOptions } from './logger-options.js';
import { adminRoutes } from './routes/admin.js';
import { appEventRoutes } from './routes/app-events.js';
import { crmObjectRoutes } from './routes/crm-objects.js';
import { crmSchemaRoutes } from './routes/crm-schemas.js';
import { eventTemplateRoutes } from './routes/event-templates.js';
import { indexRoute } from './routes/index-route.js';
import { metricsRoutes } from './routes/metrics.js';
import { oauthRoutes } from './routes/oauth.js';
import { recordTimelineRoutes } from './routes/record-timelines.js';
import { timelineEventRoutes } from './routes/timeline-events.js';
import { addShutdownGate } from './shutdown-gate.js';
import { clientErrorHandler, frameworkErrorHandler } from './transport-errors.js';

/** The official Node client 12+ uses the first; client 11 and older, and many guides, the second. */
declare module 'fastify' {
  interface FastifyRequest {
    rawBody: string | undefined;
  }
}

/** One method and path pattern the app serves, as Fastify registered it. */
export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app (the isolation test's list). */
    routeTable: readonly RouteEntry[];
  }
}

/** *Ours*: the longest path segment (an id, a token name) the router accepts; longer answers 414. */
export const MAX_PATH_PARAM_LENGTH = 2048;

/**
 * A body nested past the limit, or with a string no store keeps as sent (*ours*: U+0000 or an
 * unpaired surrogate, refused in every string so SQLite and PostgreSQL answer alike): a 400 naming
 * where (the path cut short, it can be long).
 */
function bodyRefused({ path, problem }: BodyProblem, limit: number): ApiError {
  const where = pathText(path.slice(0, 8)) + (path.length > 8 ? '…' : '') || 'body';
  const message =
    problem === 'depth'
      ? `${where} nests deeper than ${limit} levels`
      : `${where} must not hold U+0000 or unpaired surrogates`;
  return invalidInput([{ message, code: problem === 'depth' ? 'TOO_LARGE' : 'INVALID_VALUE', in: where }]);
}

/**
 * JSON.parse's reason without the excerpt of the body Node quotes in it (`Unexpected token 'S',
 * ..."secret":SECRETSECR"... is not valid JSON`): the body may hold a credential (an OAuth client
 * secret), and the answer is journaled and logged. The reason and its position are kept.
 */
function withoutExcerpt(error: Error): string {
  return error.message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' is not valid JSON');
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, ids } = deps;
  // A slow client is cut after --request-timeout (Node checks every second), an idle
  // connection after --connection-timeout; Node's header timeout may not exceed the request's.
  const requestTimeout = config.requestTimeout * 1000;
  const app = Fastify({
    logger: loggerOptions(config),
    bodyLimit: config.limits.MAX_BODY_BYTES,
    genReqId: () => ids.uuid(),
    // A request arriving while the server stops gets HubSpot's 503 (shutdown-gate.ts).
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAM_LENGTH },
    requestTimeout,
    connectionTimeout: config.connectionTimeout * 1000,
    http: { connectionsCheckingInterval: 1000, headersTimeout: Math.min(60_000, requestTimeout) },
    frameworkErrors: frameworkErrorHandler(MAX_PATH_PARAM_LENGTH),
    clientErrorHandler: clientErrorHandler({
      ids,
      requestTimeoutSeconds: config.requestTimeout,
      maxHeaderBytes: maxHeaderSize,
    }),
    ajv: {
      customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false },
    },
  });

  // Connections past --max-connections are closed as they arrive (Node's own limit).
  app.server.maxConnections = config.maxConnections;
  // Every route as it is added: the isolation test walks this list, so a new route needs a row there.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
  });
  // Requests by route and status, and their latency (the route's pattern, never the raw path, so
  // ids in paths do not explode the label set).
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(no route)';
    deps.metrics.requests.inc({ method: request.method, route, status: reply.statusCode });
    deps.metrics.requestDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
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
  // The body as sent: for the line and column of a value HubSpot's parser would refuse, and for the
  // request journal.
  app.decorateRequest('rawBody', undefined);

  // JSON only (Fastify's text/plain parser goes too), parsed by us so a malformed body gets
  // HubSpot's envelope with the parser's reason.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json\b/,
    { parseAs: 'buffer' },
    (request, bytes, done) => {
      // Invalid UTF-8 is refused, as Jackson refuses it, rather than read with U+FFFD in its place.
      if (!isUtf8(bytes as Buffer))
        return done(new ApiError('MALFORMED_JSON', { detail: 'the body is not valid UTF-8' }), undefined);
      const body = (bytes as Buffer).toString('utf8');
      if (body === '') {
        // A DELETE or GET with a JSON content type and no body is simply a request without a body.
        if (request.method === 'DELETE' || request.method === 'GET') return done(null, undefined);
        return done(new ApiError('MALFORMED_JSON', { detail: 'the body is empty' }), undefined);
      }
      // Kept before parsing, so the journal shows even a body that is not JSON.
      request.rawBody = body;
      let parsed: unknown;
      try {
        // Duplicate keys: the last one wins, as JSON.parse and Jackson (by default) both do.
        parsed = JSON.parse(body);
      } catch (error) {
        return done(new ApiError('MALFORMED_JSON', { detail: withoutExcerpt(error as Error) }), undefined);
      }
      // No route reads a body nested past MAX_BODY_DEPTH, so nothing recursive can run out
      // of stack on one.
      const problem = bodyProblem(parsed, config.limits.MAX_BODY_DEPTH, body);
      if (problem !== undefined) return done(bodyRefused(problem, config.limits.MAX_BODY_DEPTH), undefined);
      done(null, parsed);
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
      new ApiError('ROUTE_NOT_FOUND', {
        method: request.method,
        path: redactPath(request.url.split('?')[0] ?? ''),
      }),
    ),
  );

  // The request journal, HubSpot's rate limits, then injected faults, in that order, on
  // every HubSpot route (after its authentication hook, before its body is validated)
  journalHooks(app, deps.journal, deps.clock);
  rateLimitHook(app, deps.rateLimiter, deps.metrics);
  faultHooks(app, deps.faults, { allowHeader: config.allowFaultHeader });

  // Touches the store, so a load balancer stops sending work to a server whose database is down
  // (a 503 in HubSpot's envelope, through the error handler).
  await app.register(indexRoute);
  app.get('/_health', async () => {
    await deps.store.getMeta('provisioned');
    return { status: 'ok' };
  });
  // Prometheus metrics
  await app.register(metricsRoutes, deps);
  // Every API version of the table, at each of its prefixes: v3's templates and events, and the
  // current platform's app events beside them.
  for (const version of API_VERSIONS) {
    for (const prefix of version.prefixes) {
      const options = { prefix, ...deps, version };
      if (version.kind === 'timeline-v3') {
        await app.register(eventTemplateRoutes, options);
        await app.register(timelineEventRoutes, options);
      } else await app.register(appEventRoutes, options);
    }
  }
  await app.register(oauthRoutes, deps);
  await app.register(crmObjectRoutes, deps);
  await app.register(crmSchemaRoutes, deps);
  await app.register(adminRoutes, deps);
  // Record timelines (ours)
  await app.register(recordTimelineRoutes, deps);
  return app;
}
