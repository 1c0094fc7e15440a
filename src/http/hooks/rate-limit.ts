/**
 * HubSpot's rate limits on its routes, after authentication (a `preParsing` hook runs after every
 * `onRequest` hook, where credentials are checked) and before the route runs: every answer carries
 * the `X-HubSpot-RateLimit-*` headers, and a request over a limit gets HubSpot's 429 and never reaches
 * its route, so nothing is stored.
 *
 * The count starts in `preParsing` and is awaited in `preValidation`, so on PostgreSQL its round trip
 * runs while the body is read and parsed instead of before it (a refused request's body is parsed for
 * nothing, which costs less than making every request wait).
 */

import type { FastifyInstance } from 'fastify';
import type { RateDecision, RateLimiter } from '../../domain/rate-limiter.js';
import type { Metrics } from '../metrics.js';
import { rateLimitErrorToWire } from '../presenters.js';
import { callerOf, isOwnRoute } from './own-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The rate-limit count under way for this request. */
    rateDecision: Promise<RateDecision | undefined> | undefined;
  }
}

export function rateLimitHook(app: FastifyInstance, limiter: RateLimiter, metrics: Metrics): void {
  app.decorateRequest('rateDecision', undefined);

  app.addHook('preParsing', async (request, _reply, payload) => {
    if (isOwnRoute(request)) return payload;
    const { portalId, appId } = callerOf(request);
    // Unauthenticated requests were answered by their route's hook already; none else lacks an app.
    if (appId === undefined) return payload;
    // Private-app access tokens and developer keys are counted by the portal's plan, daily too; an
    // installed app's OAuth token (one that expires) as HubSpot counts OAuth apps (rate-limiter.ts).
    const oauth = request.accessToken?.expiresAt !== undefined;
    const decision = limiter.check({ portalId: portalId ?? 0, appId, oauth });
    // Awaited in preValidation; a request answered before then (a fault) leaves it unobserved.
    decision.catch(() => {});
    request.rateDecision = decision;
    return payload;
  });

  app.addHook('preValidation', async (request, reply) => {
    if (request.rateDecision === undefined) return;
    const decision = await request.rateDecision;
    if (!decision) return;
    reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', decision.policy.intervalMs);
    reply.header('X-HubSpot-RateLimit-Max', decision.policy.max);
    reply.header('X-HubSpot-RateLimit-Remaining', decision.remaining);
    if (decision.dailyRemaining !== undefined) {
      reply.header('X-HubSpot-RateLimit-Daily', decision.policy.daily);
      reply.header('X-HubSpot-RateLimit-Daily-Remaining', decision.dailyRemaining);
    }
    if (!decision.refusedBy) return;
    metrics.rateLimitRefusals.inc({ limit: decision.refusedBy === 'DAILY' ? 'daily' : 'ten_secondly' });
    return reply
      .code(429)
      .type('application/json;charset=utf-8')
      .send(rateLimitErrorToWire(decision.refusedBy, String(request.id)));
  });
}
