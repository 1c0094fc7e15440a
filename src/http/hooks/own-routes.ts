/**
 * Our own paths (`/`, `/_admin`, `/_health`, `/_timeline`, `/metrics`, and the web UI under `/ui`) are not HubSpot's:
 * no rate limit, fault or journal entry.
 */
import type { FastifyRequest } from 'fastify';

export function isOwnRoute(request: FastifyRequest): boolean {
  // The route's own pattern when one matched: the router decodes escapes, so `/%5Fadmin/v1/...`
  // reaches an admin route though its text does not begin with `/_`.
  const url = request.routeOptions.url ?? request.url;
  return (
    url === '/' ||
    url.startsWith('/?') ||
    url.startsWith('/_') ||
    url.startsWith('/metrics') ||
    url === '/ui' ||
    url.startsWith('/ui/') ||
    url.startsWith('/ui?')
  );
}

/** The app and portal a request is counted against: its access token's, or the path's app. */
export function callerOf(request: FastifyRequest): { portalId?: number; appId?: number } {
  const token = request.accessToken;
  if (token) return { portalId: token.portalId, appId: token.appId };
  const appId = (request.params as { appId?: string } | undefined)?.appId;
  return appId !== undefined && /^\d{1,15}$/.test(appId) ? { appId: Number(appId) } : {};
}
