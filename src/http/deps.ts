/** What the HTTP layer is given by `server.ts`: the domain services and the few shared objects. */
import type { Config } from '../config.js';
import type { AppEventTypeService } from '../domain/app-event-type-service.js';
import type { IdGenerator, MovableClock } from '../domain/clock.js';
import type { EventRendering } from '../domain/event-rendering.js';
import type { AppEventService } from '../domain/events/app-event-service.js';
import type { EventService } from '../domain/events/v3-event-service.js';
import type { FaultRules } from '../domain/faults.js';
import type { OAuthService } from '../domain/oauth-service.js';
import type { ObjectSchemaService } from '../domain/object-schema-service.js';
import type { RateLimiter } from '../domain/rate-limiter.js';
import type { RecordService } from '../domain/record-service.js';
import type { RequestJournal } from '../domain/request-journal.js';
import type { ResetService } from '../domain/reset-service.js';
import type { SeedDefaults, SeedService } from '../domain/seed-service.js';
import type { Store } from '../domain/store.js';
import type { TemplateService } from '../domain/template-service.js';
import type { TenantService } from '../domain/tenant-service.js';
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
  tenants: TenantService;
  schemas: ObjectSchemaService;
  /** The secret of the `/_admin` routes (given, or generated and remembered at provisioning). */
  adminToken: string;
  // issue 14: app events and the OAuth stand-in
  appEventTypes: AppEventTypeService;
  appEvents: AppEventService;
  oauth: OAuthService;
  /** What was provisioned at start (the portal the OAuth approval page offers first). */
  credentials: { portalId: number; appId: number };
  // issue 10: what a test suite controls through the admin API
  journal: RequestJournal;
  faults: FaultRules;
  rateLimiter: RateLimiter;
  resets: ResetService;
  seeds: SeedService;
  /** The portal and app a fixture entry without one belongs to: the provisioned ones. */
  seedDefaults: SeedDefaults;
  // issue 12: what GET /metrics shows
  metrics: Metrics;
}
