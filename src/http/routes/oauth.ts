/**
 * OAuth's API routes: every version of the table (domain/oauth-versions.ts) at its prefix, each in
 * the shape it speaks: `/oauth/v1` (oauth-v1.ts) and the current API, `/oauth/v3` and the dated
 * versions (oauth-current.ts). The browser's approval step, `/oauth/authorize`, is a page of the web
 * UI (web/oauth-approval.ts). Tokens are one store whichever version issued them.
 */
import type { FastifyInstance } from 'fastify';
import { OAUTH_VERSIONS } from '../../domain/oauth-versions.js';
import type { AppDeps } from '../deps.js';
import { acceptOAuthForms } from '../oauth-body.js';
import { currentOAuthRoutes } from './oauth-current.js';
import { legacyOAuthRoutes } from './oauth-v1.js';

export async function oauthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  acceptOAuthForms(app, deps.config.limits.MAX_BODY_DEPTH);
  for (const oauthVersion of OAUTH_VERSIONS) {
    const routes = oauthVersion.shape === 'legacy' ? legacyOAuthRoutes : currentOAuthRoutes;
    await app.register(routes, { ...deps, oauthVersion, prefix: oauthVersion.prefix });
  }
}
