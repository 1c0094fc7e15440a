/**
 * The one visibility rule: who may see which timeline events. Every read path (the v3 reads, the
 * record timeline API, the web UI, the export built on it) asks here, so no route decides it alone.
 *
 * - An app's token (`kind: app`: an installed app's OAuth token, or one the admin API made) sees
 *   its own app's events in its portal, and no list that spans the other apps' events.
 * - A portal's private-app token (`kind: private-app`, the start token among them) sees what the
 *   portal's own users see on HubSpot's record pages: every app's events of its portal.
 * - The admin token sees every portal's events, a portal at a time.
 *
 * Template definitions are another matter: they belong to apps (seesDefinitionOf).
 */
import { ApiError } from '../../errors.js';
import type { AccessToken, EventTemplate } from '../types.js';

export type Viewer =
  | { kind: 'admin'; portalId: number }
  | { kind: 'portal'; portalId: number; appId: number }
  | { kind: 'app'; portalId: number; appId: number };

export function tokenViewer(token: AccessToken): Viewer {
  return token.kind === 'private-app'
    ? { kind: 'portal', portalId: token.portalId, appId: token.appId }
    : { kind: 'app', portalId: token.portalId, appId: token.appId };
}

export function adminViewer(portalId: number): Viewer {
  return { kind: 'admin', portalId };
}

/** Whether the viewer sees the events of this template (in the viewer's portal). */
export function seesEventsOf(viewer: Viewer, template: EventTemplate): boolean {
  return viewer.kind !== 'app' || template.appId === viewer.appId;
}

/**
 * Whether the viewer sees the template itself (its tokens, its header and detail sources): a token
 * its own app's only, as HubSpot's template routes allow; the admin every app's. Templates belong
 * to apps, not portals, so a portal's token does not see other apps' definitions.
 */
export function seesDefinitionOf(viewer: Viewer, template: EventTemplate): boolean {
  return viewer.kind === 'admin' || template.appId === viewer.appId;
}

/** Whether the viewer sees every app's events of its portal. */
export function seesAllApps(viewer: Viewer): boolean {
  return viewer.kind !== 'app';
}

/**
 * Refuses an app's token a view that spans every app's events (the records list with its counts):
 * its numbers would tell of other apps' events.
 */
export function requireAllApps(viewer: Viewer): void {
  if (!seesAllApps(viewer)) throw new ApiError('PORTAL_CREDENTIAL_REQUIRED');
}
