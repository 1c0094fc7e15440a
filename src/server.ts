/**
 * Wires the concrete objects together: store, services, renderer and HTTP app. The CLI and the
 * tests both start servers through `startServer`.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { AppEventService } from './domain/app-event-service.js';
import { AppEventTypeService } from './domain/app-event-type-service.js';
import { type Clock, type IdGenerator, randomIds, systemClock } from './domain/clock.js';
import { EventRendering } from './domain/event-rendering.js';
import { EventService } from './domain/event-service.js';
import { OAuthService } from './domain/oauth-service.js';
import { ObjectSchemaService } from './domain/object-schema-service.js';
import { type Provisioned, provision } from './domain/provisioning.js';
import { RecordService } from './domain/record-service.js';
import type { Store } from './domain/store.js';
import { TemplateService } from './domain/template-service.js';
import { TenantService } from './domain/tenant-service.js';
import { buildApp } from './http/app.js';
import { loadProject, type ProjectWatcher, watchProject } from './project/app-event-project.js';
import { Renderer } from './render/renderer.js';
import { openStore } from './store/open-store.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  credentials: Provisioned;
  /** `http://host:port` it listens on. */
  url: string;
  /**
   * Stops gracefully (issue 12): stops accepting, lets in-flight requests finish for at most
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

export async function createApp(
  config: Config,
  store: Store,
  credentials: Provisioned,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const limits = config.limits;
  const events = new EventService(store, clock, ids, { autoCreateRecords: config.autoCreateRecords, limits });
  const appEventTypes = new AppEventTypeService(store, clock, limits);
  return buildApp({
    appEventTypes,
    appEvents: new AppEventService(store, appEventTypes, clock, {
      autoCreateRecords: config.autoCreateRecords,
      limits,
    }),
    config,
    store,
    clock,
    ids,
    templates: new TemplateService(store, clock, limits),
    events,
    records: new RecordService(store, clock),
    rendering: new EventRendering(store, events, new Renderer()),
    tenants: new TenantService(store, ids),
    schemas: new ObjectSchemaService(store, clock),
    adminToken: credentials.adminToken,
    oauth: new OAuthService(store, clock, ids, {
      tokenTtlSeconds: config.oauthTokenTtl,
      defaultPortalId: credentials.portalId,
    }),
    credentials,
  });
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const store = options.store ?? (await openStore(config));
  try {
    const credentials = await provision(store, config, options.ids ?? randomIds);
    const app = await createApp(config, store, credentials, options);
    const watcher = await startProject(config, app, store, credentials.appId, options);
    app.addHook('onClose', async () => watcher?.close());
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      app,
      store,
      credentials,
      url: `http://${host}:${port}`,
      close: async () => {
        const drained = await closeWithin(app, config.shutdownTimeout * 1000);
        if (!options.store) await store.close();
        return { drained };
      },
    };
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
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
 * Loads `--project`'s app event types for the provisioned app (issue 14): a bad file stops the start
 * with every problem named; with `--watch`, later changes load again and problems are logged.
 */
async function startProject(
  config: Config,
  app: FastifyInstance,
  store: Store,
  appId: number,
  options: ServerOptions,
): Promise<ProjectWatcher | undefined> {
  if (config.project === undefined) return undefined;
  const types = new AppEventTypeService(store, options.clock ?? systemClock, config.limits);
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
