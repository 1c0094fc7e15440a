/**
 * `GET /metrics` (ours): Prometheus text format. It shows request and event counts of
 * every portal, so it takes the admin token (`Authorization: Bearer`) unless `--metrics-public` is
 * set, for a scraper on a private network that cannot send one.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { adminTokenHook } from './admin.js';

export async function metricsRoutes(
  app: FastifyInstance,
  { metrics, admin, config }: AppDeps,
): Promise<void> {
  const requireAdmin = adminTokenHook(admin);
  app.get('/metrics', async (request, reply) => {
    if (!config.metricsPublic) await requireAdmin(request);
    return reply.type(metrics.registry.contentType).send(await metrics.text());
  });
}
