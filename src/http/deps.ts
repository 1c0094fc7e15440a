/** What the HTTP layer is given by `server.ts`: the domain services and the few shared objects. */
import type { Config } from '../config.js';
import type { ApiVersion } from '../domain/api-versions.js';
import type { AppEventTypeService } from '../domain/app-event-type-service.js';
import type { IdGenerator, MovableClock } from '../domain/clock.js';
import type { AdminCredential } from '../domain/credentials/authentication.js';
import type { EventRendering } from '../domain/event-rendering.js';
import type { AppEventService } from '../domain/events/app-event-service.js';
import type { EventService } from '../domain/events/v3-event-service.js';
import type { FaultRules } from '../domain/faults.js';
import type { OAuthService } from '../domain/oauth-service.js';
import type { OAuthVersion } from '../domain/oauth-versions.js';
import type { ObjectSchemaService } from '../domain/object-schema-service.js';
import type { RateLimiter } from '../domain/rate-limiter.js';
import type { RecordService } from '../domain/record-service.js';
import type { RequestJournal } from '../domain/request-journal.js';
import type { ResetService } from '../domain/reset-service.js';
import type { SeedDefaults, SeedService } from '../domain/seed-service.js';
import type { Store } from '../domain/store.js';
import type { TemplateService } from '../domain/template-service.js';
import type { TenantService } from '../domain/tenant-service.js';
import type { TimelineService } from '../domain/timeline-service.js';
import type { Metrics } from './metrics.js';

export interface AppDeps {
  config: Config;
  store: Store;
  clock: MovableClock;
  ids: IdGenerator;
  templates: TemplateService;
  events: EventService;
  records: RecordService;
  rendering: EventRendering;
  timeline: TimelineService;
  tenants: TenantService;
  schemas: ObjectSchemaService;
  /** The admin token of the `/_admin` routes (given, or made at start), known by its hash. */
  admin: AdminCredential;
  appEventTypes: AppEventTypeService;
  appEvents: AppEventService;
  oauth: OAuthService;
  // What a test suite controls through the admin API
  journal: RequestJournal;
  faults: FaultRules;
  rateLimiter: RateLimiter;
  resets: ResetService;
  seeds: SeedService;
  /** The portal and app a fixture entry without one belongs to: the provisioned ones. */
  seedDefaults: SeedDefaults;
  /** What GET /metrics shows. */
  metrics: Metrics;
}

/** The deps of the routes of one API version (registered once per version and prefix). */
export interface VersionedDeps extends AppDeps {
  version: ApiVersion;
}

/** The deps of one OAuth version's routes (registered once per row of domain/oauth-versions.ts). */
export interface OAuthVersionDeps extends AppDeps {
  oauthVersion: OAuthVersion;
}
