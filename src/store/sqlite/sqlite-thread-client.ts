/**
 * The SQLite store as the server uses it: a `Store` whose every call runs on the thread that owns
 * the one connection (`sqlite-thread.ts`). SQLite allows one writer, and better-sqlite3 blocks its
 * thread while it works; on its own thread that time no longer holds up HTTP.
 *
 * Every plain method of the port is forwarded as it is (`ThreadConnection`, from the protocol's
 * method list); this class states only what differs: event writes cross packed, and the lookups every
 * event request makes (access token, template, app event type, portal) are cached here, on the main
 * thread, so they cost no round trip. The caches are exact, not TTL caches: one process owns the
 * SQLite file, and every change to these rows passes through this client, which drops the entry it
 * changes. Misses are not remembered (a template id may be looked up before it exists).
 */
import { Worker } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import type { EventWrite, EventWriteResult, ResetScope, Store } from '../../domain/store.js';
import { StoreUnavailableError, storeError } from '../../domain/store-errors.js';
import type { AccessToken, EventTemplate, Portal } from '../../domain/types.js';
import { unpackResults } from './packed-event-write.js';
import type { EventWriteOptions } from './sqlite-event-writer.js';
import {
  PLAIN_METHODS,
  type PlainCall,
  type PlainMethod,
  type ThreadData,
  type ThreadError,
  type ThreadReply,
  type ThreadRequest,
} from './sqlite-thread-protocol.js';
import { type CrossingResults, resultsFromCrossing, writesToCrossing } from './thread-crossing.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

const CACHE_ENTRIES = 10_000;

/**
 * The SQLite thread's young generation. Its objects are short-lived (each batch's unpacked writes and
 * answers), and V8's default lets the young generation grow to tens of MB under a steady load: at 12
 * MB the server's peak RSS under `bench:ingest --cpu` fell from 298 to 270 MB, with no change in
 * events/s beyond the run-to-run noise (bench/HISTORY.md).
 */
const THREAD_YOUNG_GENERATION_MB = 12;

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

/**
 * The thread and its messages: sends each call, settles its answer, fails every pending call when the
 * thread dies. Every plain store method the subclass does not define itself is forwarded to the
 * thread as it is.
 */
class ThreadConnection {
  private readonly thread: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  protected failure: Error | undefined;

  constructor(path: string) {
    const workerData: ThreadData = { path };
    this.thread = new Worker(new URL('./sqlite-thread.js', import.meta.url), {
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    this.thread.on('message', (reply: ThreadReply) => this.settle(reply));
    this.thread.on('error', (error) =>
      this.fail(new StoreUnavailableError(`the SQLite thread failed: ${error.message}`)),
    );
    this.thread.on('exit', (code) =>
      this.fail(new StoreUnavailableError(`the SQLite thread stopped (exit code ${code})`)),
    );
    // `this` is already the subclass's instance: its own methods (on its prototype) are kept, and
    // its fields are assigned after this constructor, over any forwarder made here.
    const self = this as unknown as Record<string, unknown>;
    for (const method of PLAIN_METHODS) {
      if (!(method in self))
        self[method] = (...args: unknown[]) => this.send(plainCall(this.nextId++, method, args));
    }
  }

  protected send<T>(request: ThreadRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.thread.postMessage(request);
    }) as Promise<T>;
  }

  protected call<M extends PlainMethod>(
    method: M,
    ...args: Parameters<Store[M]>
  ): Promise<Awaited<ReturnType<Store[M]>>> {
    return this.send(plainCall(this.nextId++, method, args));
  }

  protected nextRequestId(): number {
    return this.nextId++;
  }

  protected async endThread(): Promise<void> {
    this.failure = new StoreUnavailableError('the store is closed');
    await this.thread.terminate();
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
}

/** One variant of the PlainCall union, built generically: TypeScript cannot narrow the method here. */
function plainCall(id: number, method: PlainMethod, args: unknown[]): PlainCall {
  return { kind: 'call', id, method, args } as PlainCall;
}

/** ThreadConnection as the compiler should see it: with every plain method of the port. */
const ForwardingConnection = ThreadConnection as new (
  path: string,
) => ThreadConnection & Pick<Store, PlainMethod>;

export class SqliteThreadClient extends ForwardingConnection implements Store {
  private readonly tokens = new LRUCache<string, Promise<AccessToken | undefined>>({ max: CACHE_ENTRIES });
  private readonly templates = new LRUCache<string, Promise<EventTemplate | undefined>>({
    max: CACHE_ENTRIES,
  });
  private readonly portals = new LRUCache<number, Promise<Portal | undefined>>({ max: CACHE_ENTRIES });
  private readonly appEventTypes = new LRUCache<string, Promise<EventTemplate | undefined>>({
    max: CACHE_ENTRIES,
  });
  /** Counts are kept in memory by this process, which alone owns the file (see the port). */
  readonly sharedRequestCounts = false;

  override close = async (): Promise<void> => {
    if (this.failure) return;
    try {
      await this.call('close');
    } finally {
      await this.endThread();
    }
  };

  writeEvents = async (writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]> => {
    // Packed here, on the main thread, so the SQLite thread neither copies nested objects nor
    // serialises them (see packed-event-write.ts and thread-crossing.ts).
    const results = await this.send<CrossingResults>({
      kind: 'write-events',
      id: this.nextRequestId(),
      writes: writesToCrossing(writes),
      options,
    });
    return unpackResults(writes, resultsFromCrossing(results));
  };

  // The cached lookups, and the changes that drop what they cached
  override getPortal = (portalId: number) =>
    cached(this.portals, portalId, () => this.call('getPortal', portalId));
  override ensurePortal = async (portal: Portal) => {
    await this.call('ensurePortal', portal);
    this.portals.delete(portal.id);
  };
  override findAccessToken = (tokenHash: string) =>
    cached(this.tokens, tokenHash, () => this.call('findAccessToken', tokenHash));
  override ensureAccessToken = async (token: AccessToken, replacing?: string) => {
    await this.call('ensureAccessToken', token, replacing);
    this.tokens.delete(token.tokenHash);
    if (replacing !== undefined) this.tokens.delete(replacing);
  };
  override deleteAccessToken = async (tokenHash: string) => {
    const deleted = await this.call('deleteAccessToken', tokenHash);
    this.tokens.delete(tokenHash);
    return deleted;
  };
  override getTemplate = (templateId: string) =>
    cached(this.templates, templateId, () => this.call('getTemplate', templateId));
  // App event types are looked up by every occurrence request. A change to one passes through
  // replaceTemplate or deleteTemplate (which clear this cache) or insertTemplate (a miss is never
  // remembered).
  override findAppEventType = (appId: number, uid: string) =>
    cached(this.appEventTypes, `${appId}\u0000${uid}`, () => this.call('findAppEventType', appId, uid));
  override replaceTemplate = async (template: EventTemplate) => {
    const saved = await this.call('replaceTemplate', template);
    this.templates.delete(template.id);
    this.appEventTypes.clear();
    return saved;
  };
  override deleteTemplate = async (appId: number, templateId: string) => {
    const deleted = await this.call('deleteTemplate', appId, templateId);
    this.templates.delete(templateId);
    this.appEventTypes.clear();
    return deleted;
  };
  /** Every cached lookup goes too: the rows behind them may be gone. */
  override reset = async (scope: ResetScope) => {
    await this.call('reset', scope);
    this.tokens.clear();
    this.templates.clear();
    this.portals.clear();
    this.appEventTypes.clear();
  };
}
