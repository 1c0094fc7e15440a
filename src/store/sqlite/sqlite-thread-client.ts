/**
 * The SQLite store as the server uses it: a `Store` whose every call runs on the thread that owns
 * the one connection (`sqlite-thread.ts`). SQLite allows one writer, and better-sqlite3 blocks its
 * thread while it works; on its own thread that time no longer holds up HTTP.
 *
 * The lookups every event request makes (access token, template, portal) are cached here, on the
 * main thread, so they cost no round trip. The caches are exact, not TTL caches: one process owns
 * the SQLite file, and every change to these rows passes through this client, which drops the entry
 * it changes. Misses are not remembered (a template id may be looked up before it exists).
 */
import { Worker } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import type {
  ActivityQuery,
  DailyRequestCount,
  EventWrite,
  EventWriteResult,
  NewObjectSchema,
  NewTemplate,
  RequestCountHit,
  ResetScope,
  Store,
  TemplatePageQuery,
  TimelineQuery,
} from '../../domain/store.js';
import { StoreUnavailableError, storeError } from '../../domain/store-errors.js';
import type {
  AccessToken,
  App,
  EventTemplate,
  OAuthClient,
  OAuthCode,
  ObjectType,
  Portal,
  RefreshToken,
  UiSession,
} from '../../domain/types.js';
import { unpackResults } from './packed-event-write.js';
import type { EventWriteOptions } from './sqlite-event-writer.js';
import type {
  PlainCall,
  PlainMethod,
  ThreadData,
  ThreadError,
  ThreadReply,
  ThreadRequest,
} from './sqlite-thread-protocol.js';
import { type CrossingResults, resultsFromCrossing, writesToCrossing } from './thread-crossing.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

const CACHE_ENTRIES = 10_000;

/**
 * The cached lookup of `key`, loading it on a miss. The promise is cached, so concurrent requests
 * share one load; a miss (`undefined`) or a failure is dropped once settled, so it is tried again.
 * (lru-cache's own `fetch` aborts a load when its key is deleted mid-flight, which would fail the
 * request that started it; caching the promise keeps that request's answer and only drops the entry.)
 */
function cached<K extends {}, V>(
  cache: LRUCache<K, Promise<V | undefined>>,
  key: K,
  load: () => Promise<V | undefined>,
) {
  let value = cache.get(key);
  if (!value) {
    const loading = load();
    value = loading;
    cache.set(key, loading);
    const forget = () => {
      if (cache.peek(key) === loading) cache.delete(key);
    };
    loading.then((found) => found === undefined && forget(), forget);
  }
  return value;
}

/** The error as it was on the thread: a store error keeps its class, so the HTTP layer can tell 503. */
function rebuild(crossing: ThreadError): Error {
  if (crossing.storeKind) return storeError(crossing.storeKind, crossing.message);
  const error = new Error(crossing.message);
  error.name = crossing.name;
  return error;
}

export class SqliteThreadClient implements Store {
  private readonly thread: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly tokens = new LRUCache<string, Promise<AccessToken | undefined>>({ max: CACHE_ENTRIES });
  private readonly templates = new LRUCache<string, Promise<EventTemplate | undefined>>({
    max: CACHE_ENTRIES,
  });
  private readonly portals = new LRUCache<number, Promise<Portal | undefined>>({ max: CACHE_ENTRIES });
  private readonly appEventTypes = new LRUCache<string, Promise<EventTemplate | undefined>>({
    max: CACHE_ENTRIES,
  });

  constructor(path: string) {
    const workerData: ThreadData = { path };
    this.thread = new Worker(new URL('./sqlite-thread.js', import.meta.url), { workerData });
    this.thread.on('message', (reply: ThreadReply) => this.settle(reply));
    this.thread.on('error', (error) =>
      this.fail(new StoreUnavailableError(`the SQLite thread failed: ${error.message}`)),
    );
    this.thread.on('exit', (code) =>
      this.fail(new StoreUnavailableError(`the SQLite thread stopped (exit code ${code})`)),
    );
  }

  private send<T>(request: ThreadRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.thread.postMessage(request);
    }) as Promise<T>;
  }

  private call<M extends PlainMethod>(
    method: M,
    ...args: Parameters<Store[M]>
  ): Promise<Awaited<ReturnType<Store[M]>>> {
    // One variant of the PlainCall union, built generically: TypeScript cannot narrow M here.
    return this.send({ kind: 'call', id: this.nextId++, method, args } as PlainCall);
  }

  private settle(reply: ThreadReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(rebuild(reply.error));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  migrate = () => this.call('migrate');
  async close(): Promise<void> {
    if (this.failure) return;
    try {
      await this.call('close');
    } finally {
      this.failure = new StoreUnavailableError('the store is closed');
      await this.thread.terminate();
    }
  }
  getMeta = (key: string) => this.call('getMeta', key);
  setMeta = (key: string, value: string) => this.call('setMeta', key, value);
  ensurePortal = async (portal: Portal) => {
    await this.call('ensurePortal', portal);
    this.portals.delete(portal.id);
  };
  getPortal = (portalId: number) => cached(this.portals, portalId, () => this.call('getPortal', portalId));
  ensureDeveloperAccount = (apiKeyHash: string, replacing?: string) =>
    this.call('ensureDeveloperAccount', apiKeyHash, replacing);
  findDeveloperAccount = (apiKeyHash: string) => this.call('findDeveloperAccount', apiKeyHash);
  ensureApp = (app: App) => this.call('ensureApp', app);
  findApp = (appId: number) => this.call('findApp', appId);
  ensureAccessToken = async (token: AccessToken, replacing?: string) => {
    await this.call('ensureAccessToken', token, replacing);
    this.tokens.delete(token.tokenHash);
    if (replacing !== undefined) this.tokens.delete(replacing);
  };
  findAccessToken = (tokenHash: string) =>
    cached(this.tokens, tokenHash, () => this.call('findAccessToken', tokenHash));
  deleteAccessToken = async (tokenHash: string) => {
    const deleted = await this.call('deleteAccessToken', tokenHash);
    this.tokens.delete(tokenHash);
    return deleted;
  };
  insertSession = (session: UiSession, now: number) => this.call('insertSession', session, now);
  findSession = (idHash: string) => this.call('findSession', idHash);
  deleteSession = (idHash: string) => this.call('deleteSession', idHash);
  listTemplates = (appId: number) => this.call('listTemplates', appId);
  getTemplate = (templateId: string) =>
    cached(this.templates, templateId, () => this.call('getTemplate', templateId));
  insertTemplate = (appId: number, template: NewTemplate, maxPerApp: number) =>
    this.call('insertTemplate', appId, template, maxPerApp);
  replaceTemplate = async (template: EventTemplate) => {
    const saved = await this.call('replaceTemplate', template);
    this.templates.delete(template.id);
    this.appEventTypes.clear();
    return saved;
  };
  deleteTemplate = async (appId: number, templateId: string) => {
    const deleted = await this.call('deleteTemplate', appId, templateId);
    this.templates.delete(templateId);
    this.appEventTypes.clear();
    return deleted;
  };
  createRecord = (
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
  ) => this.call('createRecord', portalId, objectType, properties, now);
  getRecord = (portalId: number, objectType: ObjectType, id: string) =>
    this.call('getRecord', portalId, objectType, id);
  updateRecord = (
    portalId: number,
    objectType: ObjectType,
    id: string,
    properties: Record<string, string>,
    now: number,
  ) => this.call('updateRecord', portalId, objectType, id, properties, now);
  archiveRecord = (portalId: number, objectType: ObjectType, id: string) =>
    this.call('archiveRecord', portalId, objectType, id);
  listRecords = (portalId: number, objectType: ObjectType, limit: number, after?: string) =>
    this.call('listRecords', portalId, objectType, limit, after);
  findContactByEmail = (portalId: number, email: string) => this.call('findContactByEmail', portalId, email);
  writeEvents = async (writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]> => {
    // Packed here, on the main thread, so the SQLite thread neither copies nested objects nor
    // serialises them (see packed-event-write.ts and thread-crossing.ts).
    const results = await this.send<CrossingResults>({
      kind: 'write-events',
      id: this.nextId++,
      writes: writesToCrossing(writes),
      options,
    });
    return unpackResults(writes, resultsFromCrossing(results));
  };
  getEvent = (portalId: number, eventTemplateId: string, eventId: string) =>
    this.call('getEvent', portalId, eventTemplateId, eventId);
  // App event types (issue 14): looked up by every occurrence request, so cached like templates; a
  // change to a type passes through replaceTemplate or deleteTemplate (which clear this cache) or
  // insertTemplate (a miss is never remembered).
  findAppEventType = (appId: number, uid: string) =>
    cached(this.appEventTypes, `${appId}\u0000${uid}`, () => this.call('findAppEventType', appId, uid));
  templateHasEvents = (templateId: string) => this.call('templateHasEvents', templateId);
  // The OAuth stand-in (issue 14)
  ensureOAuthClient = (client: OAuthClient) => this.call('ensureOAuthClient', client);
  findOAuthClient = (clientId: string) => this.call('findOAuthClient', clientId);
  insertOAuthCode = (code: OAuthCode) => this.call('insertOAuthCode', code);
  useOAuthCode = (codeHash: string) => this.call('useOAuthCode', codeHash);
  insertRefreshToken = (token: RefreshToken) => this.call('insertRefreshToken', token);
  findRefreshToken = (tokenHash: string) => this.call('findRefreshToken', tokenHash);
  revokeRefreshToken = (tokenHash: string) => this.call('revokeRefreshToken', tokenHash);
  isTrustedPortal = (appId: number, portalId: number) => this.call('isTrustedPortal', appId, portalId);
  setTrustedPortal = (appId: number, portalId: number, trusted: boolean) =>
    this.call('setTrustedPortal', appId, portalId, trusted);
  // Record timelines (issue 11)
  readTimeline = (query: TimelineQuery) => this.call('readTimeline', query);
  listRecordActivity = (query: ActivityQuery) => this.call('listRecordActivity', query);
  recordPropertyTimes = (portalId: number, objectType: ObjectType, id: string) =>
    this.call('recordPropertyTimes', portalId, objectType, id);
  listTemplatePage = (query: TemplatePageQuery) => this.call('listTemplatePage', query);
  sampleTemplateEvents = (portalId: number, templateId: string, cap: number) =>
    this.call('sampleTemplateEvents', portalId, templateId, cap);

  // Custom object schemas (issue 15)
  insertObjectSchema = (schema: NewObjectSchema) => this.call('insertObjectSchema', schema);
  listObjectSchemas = (portalId: number) => this.call('listObjectSchemas', portalId);
  getObjectSchema = (portalId: number, key: string) => this.call('getObjectSchema', portalId, key);

  // issue 10: rate-limit counts, portal rate-limit settings, reset
  readonly sharedRequestCounts = false;
  countRequest = (hit: RequestCountHit) => this.call('countRequest', hit);
  loadDailyRequestCounts = (day: number) => this.call('loadDailyRequestCounts', day);
  saveDailyRequestCounts = (day: number, counts: DailyRequestCount[]) =>
    this.call('saveDailyRequestCounts', day, counts);
  setPortalRateLimit = (portalId: number, rateLimit: string | null) =>
    this.call('setPortalRateLimit', portalId, rateLimit);
  getPortalRateLimit = (portalId: number) => this.call('getPortalRateLimit', portalId);
  /** Every cached lookup goes too: the rows behind them may be gone. */
  reset = async (scope: ResetScope) => {
    await this.call('reset', scope);
    this.tokens.clear();
    this.templates.clear();
    this.portals.clear();
  };
}
