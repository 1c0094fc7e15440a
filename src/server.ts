/**
 * Wires the concrete objects together: store, services, renderer and HTTP app. The CLI, the
 * programmatic API (`src/index.ts`) and the tests all start servers through `startServer`.
 */
import { readFile, stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { type Config, ConfigError } from './config.js';
import { AppEventTypeService } from './domain/app-event-type-service.js';
import {
  type Clock,
  type IdGenerator,
  type MovableClock,
  movableClock,
  randomIds,
  systemClock,
} from './domain/clock.js';
import { AdminCredential } from './domain/credentials/authentication.js';
import { hashSecret } from './domain/credentials/secrets.js';
import { UiSessions } from './domain/credentials/ui-sessions.js';
import { EventRendering } from './domain/event-rendering.js';
import { AppEventService } from './domain/events/app-event-service.js';
import { EventIntake } from './domain/events/event-intake.js';
import { EventService } from './domain/events/v3-event-service.js';
import { FaultRules } from './domain/faults.js';
import { OAuthService } from './domain/oauth-service.js';
import { ObjectSchemaService } from './domain/object-schema-service.js';
import { type Provisioned, provision } from './domain/provisioning.js';
import { RateLimiter } from './domain/rate-limiter.js';
import { RecordOverviews } from './domain/record-overview.js';
import { RecordService } from './domain/record-service.js';
import { RequestJournal } from './domain/request-journal.js';
import { ResetService } from './domain/reset-service.js';
import { SeedService } from './domain/seed-service.js';
import type { Store } from './domain/store.js';
import { TemplateCatalog } from './domain/template-catalog.js';
import { TemplateService } from './domain/template-service.js';
import { TenantService } from './domain/tenant-service.js';
import { TimelineService } from './domain/timeline-service.js';
import { buildApp } from './http/app.js';
import type { AppDeps } from './http/deps.js';
import { Metrics } from './http/metrics.js';
import { loadProject, type ProjectWatcher, watchProject } from './project/app-event-project.js';
import { RenderRunner } from './render/render-runner.js';
import { RenderThread } from './render/render-thread-client.js';
import { Renderer } from './render/renderer.js';
import { setTemplateLog } from './render/template-engine.js';
import { measuredStore } from './store/measured-store.js';
import { openStore } from './store/open-store.js';
import { oauthApprovalRoutes } from './web/oauth-approval.js';
import type { WebDeps } from './web/web-deps.js';
import { webRoutes } from './web/web-routes.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  credentials: Provisioned;
  /** `http://host:port` it listens on. */
  url: string;
  /** What the admin API controls, for code in the same process (`src/index.ts`). */
  deps: AppDeps;
  /**
   * Stops gracefully: stops accepting, lets in-flight requests finish for at most
   * `config.shutdownTimeout` seconds (then cuts their connections), and closes the store, which
   * commits what was already handed to it. `drained` says whether every request finished in time.
   */
  close(): Promise<CloseOutcome>;
}

export interface CloseOutcome {
  drained: boolean;
}

export interface ServerOptions {
  clock?: Clock;
  ids?: IdGenerator;
  /** An already-open store (tests share one); otherwise opened from `config.db`. */
  store?: Store;
}

/** Every object the HTTP app is given, built once per server. */
export function createDeps(
  config: Config,
  givenStore: Store,
  credentials: Provisioned,
  options: ServerOptions = {},
): AppDeps {
  const clock: MovableClock = movableClock(options.clock ?? systemClock);
  const ids = options.ids ?? randomIds;
  const limits = config.limits;
  // The services write through a store whose event writes are timed for /metrics.
  const metrics = new Metrics();
  const store = measuredStore(givenStore, metrics);
  // One intake, one queue: the pending-write limit holds for the whole process.
  const intake = new EventIntake(store, { autoCreateRecords: config.autoCreateRecords, limits });
  intake.countInto(metrics);
  metrics.showQueueDepth(intake);
  const events = new EventService(store, intake, clock, ids);
  const appEventTypes = new AppEventTypeService(store, clock, limits);
  const schemas = new ObjectSchemaService(store, clock);
  const appEvents = new AppEventService(intake, appEventTypes, clock, (portalId, name) =>
    schemas.customObjectTypeId(portalId, name),
  );
  const journal = new RequestJournal(config.journalSize);
  const faults = new FaultRules(ids);
  const rateLimiter = new RateLimiter(store, clock, config.rateLimit);
  const templates = new TemplateService(store, clock, limits);
  const records = new RecordService(store, clock);
  const rendering = new EventRendering(store, events, new RenderRunner(new Renderer(), new RenderThread()));
  const { portalId, appId } = credentials;
  return {
    config,
    store,
    clock,
    ids,
    templates,
    events,
    records,
    rendering,
    timeline: new TimelineService(store, rendering, hashSecret(credentials.adminToken)),
    tenants: new TenantService(store),
    schemas,
    admin: new AdminCredential(hashSecret(credentials.adminToken)),
    appEventTypes,
    appEvents,
    oauth: new OAuthService(store, clock, {
      tokenTtlSeconds: config.oauthTokenTtl,
      defaultPortalId: portalId,
      defaultAppId: appId,
      ...(config.oauthAutoApprove ? { trusted: { appId, portalId } } : {}),
    }),
    journal,
    faults,
    rateLimiter,
    resets: new ResetService({
      store,
      clock,
      journal,
      faults,
      rateLimiter,
      keep: credentials.keep,
      forgetEvents: (portal) => rendering.forgetEvents(portal),
    }),
    seeds: new SeedService({ store, clock, ids, limits, templates, records, events, rateLimiter }),
    seedDefaults: { portalId, appId },
    metrics,
  };
}

/** The web UI and the OAuth approval page: browser pages over the domain, beside the API. */
async function addWebPages(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const templates = new TemplateCatalog(deps.store, deps.rendering);
  const web: WebDeps = {
    sessions: new UiSessions(deps.store, deps.clock, deps.admin),
    timeline: deps.timeline,
    rendering: deps.rendering,
    templates,
    records: new RecordOverviews(deps.store, deps.timeline, templates),
    clock: deps.clock,
    oauth: deps.oauth,
    oauthAutoApprove: deps.config.oauthAutoApprove,
    defaultPortalId: deps.seedDefaults.portalId,
  };
  await app.register(webRoutes, web);
  await app.register(oauthApprovalRoutes, web);
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const store = options.store ?? (await openStore(config));
  let deps: AppDeps | undefined;
  try {
    const ids = options.ids ?? randomIds;
    const credentials = await provision(store, config, ids);
    deps = createDeps(config, store, credentials, options);
    await deps.rateLimiter.start();
    if (config.seed !== undefined) await deps.seeds.seed(await readFixture(config.seed), deps.seedDefaults);
    const app = await buildApp(deps);
    await addWebPages(app, deps);
    setTemplateLog((level, message) => app.log[level]({ source: 'handlebars' }, message));
    const watcher = await startProject(config, app, deps.appEventTypes, credentials.appId);
    app.addHook('onClose', async () => watcher?.close());
    app.addHook('onClose', async () => deps?.rendering.close());
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const running = deps;
    return {
      app,
      store,
      credentials,
      deps,
      url: `http://${host}:${port}`,
      close: async () => {
        const drained = await closeWithin(app, config.shutdownTimeout * 1000);
        await running.rateLimiter.close().catch(() => {});
        if (!options.store) await store.close();
        return { drained };
      },
    };
  } catch (error) {
    await deps?.rateLimiter.close().catch(() => {});
    if (!options.store) await store.close();
    throw error;
  }
}

/** A fixture file's JSON; a file that cannot be read or parsed says which and why. */
export async function readFixture(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the seed fixture ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the seed fixture ${path} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * `app.close()`, bounded: it waits for the requests being handled to be answered. Past `timeoutMs`
 * their connections are cut (their clients get no answer, so nothing unanswered counts as
 * acknowledged) and the close completes; answers `false` then.
 */
async function closeWithin(app: FastifyInstance, timeoutMs: number): Promise<boolean> {
  const closing = app.close();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const outcome = await Promise.race([closing.then(() => false as const), timedOut]);
  clearTimeout(timer);
  if (outcome === false) return true;
  app.log.warn(`shutdown: requests still running after ${timeoutMs} ms; cutting their connections`);
  app.server.closeAllConnections();
  await closing;
  return false;
}

/**
 * Loads `--project`'s app event types for the provisioned app: a bad file stops the start
 * with every problem named; with `--watch`, later changes load again and problems are logged.
 */
async function startProject(
  config: Config,
  app: FastifyInstance,
  types: AppEventTypeService,
  appId: number,
): Promise<ProjectWatcher | undefined> {
  if (config.project === undefined) return undefined;
  const folder = await stat(config.project).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new ConfigError(
      `--project ${config.project} is not a folder (give the root of a HubSpot project, the folder holding src/app/app-events)`,
    );
  }
  const load = await loadProject(config.project, appId, types);
  if (load.problems.length > 0) {
    throw new Error(`the project's app event types are not valid:\n  ${load.problems.join('\n  ')}`);
  }
  if (!config.watch) return undefined;
  return watchProject(config.project, appId, types, (reload) => {
    for (const problem of reload.problems) app.log.warn(`app event type not loaded: ${problem}`);
    if (reload.loaded.length > 0) app.log.info(`app event types loaded: ${reload.loaded.join(', ')}`);
  });
}
