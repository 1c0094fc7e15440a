/**
 * `GET /`: the first thing a new user opens. A browser is sent to the web UI; anything else (curl,
 * a test) gets a short JSON map of what this server serves and where, so nobody meets a bare 404.
 */
import type { FastifyInstance } from 'fastify';
import { API_VERSIONS } from '../../domain/api-versions.js';
import { OAUTH_VERSIONS } from '../../domain/oauth-versions.js';
import { packageVersion } from '../../package-version.js';

export async function indexRoute(app: FastifyInstance): Promise<void> {
  const index = {
    name: 'hubspot-timeline-server',
    version: packageVersion(),
    ui: '/ui',
    health: '/_health',
    metrics: '/metrics',
    admin: '/_admin/v1',
    apis: API_VERSIONS.map((version) => ({
      version: version.name,
      prefixes: version.prefixes,
      ...(version.sunset ? { sunset: version.sunset } : {}),
    })),
    oauth: OAUTH_VERSIONS.map((version) => ({
      version: version.name,
      prefix: version.prefix,
      ...(version.sunset ? { sunset: version.sunset } : {}),
    })),
  };
  app.get('/', async (request, reply) => {
    // A browser asks for HTML first; curl and HTTP clients send `*/*` or JSON.
    if (/\btext\/html\b/.test(request.headers.accept ?? '')) return reply.redirect('/ui', 302);
    return index;
  });
}
