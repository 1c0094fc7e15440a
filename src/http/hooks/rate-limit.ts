/**
 * HubSpot's rate limits on its routes, after authentication (a `preParsing` hook runs after every
 * `onRequest` hook, where credentials are checked) and before the body is read: every answer carries
 * the `X-HubSpot-RateLimit-*` headers, and a request over a limit gets HubSpot's 429 and never reaches
 * its route, so nothing is stored.
 */
import type { FastifyInstance } from 'fastify';
import type { RateLimiter } from '../../domain/rate-limiter.js';
import { rateLimitErrorToWire } from '../presenters.js';
import { callerOf, isOwnRoute } from './own-routes.js';

export function rateLimitHook(app: FastifyInstance, limiter: RateLimiter): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    if (isOwnRoute(request)) return payload;
    const { portalId, appId } = callerOf(request);
    // Unauthenticated requests were answered by their route's hook already; none else lacks an app.
    if (appId === undefined) return payload;
    // Private-app access tokens and developer keys are non-OAuth: the daily limit applies to them.
    // (An OAuth token would pass `daily: false`: HubSpot sends it no daily headers.)
    const decision = await limiter.check({ portalId: portalId ?? 0, appId, daily: true });
    if (!decision) return payload;
    reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', decision.policy.intervalMs);
    reply.header('X-HubSpot-RateLimit-Max', decision.policy.max);
    reply.header('X-HubSpot-RateLimit-Remaining', decision.remaining);
    if (decision.dailyRemaining !== undefined) {
      reply.header('X-HubSpot-RateLimit-Daily', decision.policy.daily);
      reply.header('X-HubSpot-RateLimit-Daily-Remaining', decision.dailyRemaining);
    }
    if (!decision.refusedBy) return payload;
    reply
      .code(429)
      .type('application/json;charset=utf-8')
      .send(rateLimitErrorToWire(decision.refusedBy, String(request.id)));
    return undefined;
  });
}
