/** What the web pages are given by `server.ts`: domain services only. */
import type { Clock } from '../domain/clock.js';
import type { UiSessions } from '../domain/credentials/ui-sessions.js';
import type { EventRendering } from '../domain/event-rendering.js';
import type { OAuthService } from '../domain/oauth-service.js';
import type { RecordOverviews } from '../domain/record-overview.js';
import type { TemplateCatalog } from '../domain/template-catalog.js';
import type { TimelineService } from '../domain/timeline-service.js';

export interface WebDeps {
  sessions: UiSessions;
  timeline: TimelineService;
  rendering: EventRendering;
  /** The templates a viewer may read, with their events and previews. */
  templates: TemplateCatalog;
  /** A record's properties, for its page's sidebar. */
  records: RecordOverviews;
  /** The server's clock (sample previews are of "now"). */
  clock: Clock;
  oauth: OAuthService;
  /** `/oauth/authorize` approves at once where the app is trusted, without `auto_approve=1`. */
  oauthAutoApprove: boolean;
  /** The portal an authorize request without `portal_id` installs into: the provisioned one. */
  defaultPortalId: number;
}
