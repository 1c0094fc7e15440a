/**
 * `GET /metrics` (ours, issue 12): Prometheus text format. It shows request and event counts of
 * every portal, so it takes the admin token (`Authorization: Bearer`) unless `--metrics-public` is
 * set, for a scraper on a private network that cannot send one.
 */
import type { FastifyInstance } from 'fastify';
import { sameSecret } from '../../domain/secrets.js';
import { ApiError } from '../../errors.js';
import type { AppDeps } from '../deps.js';

export async function metricsRoutes(
  app: FastifyInstance,
  { metrics, adminToken, config }: AppDeps,
): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    if (!config.metricsPublic) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match?.[1]) throw new ApiError('MISSING_CREDENTIALS');
      if (!sameSecret(match[1], adminToken)) throw new ApiError('INVALID_ACCESS_TOKEN');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.text());
  });
}
