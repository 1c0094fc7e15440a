/**
 * The SQLite store as the server uses it: a `Store` whose every call runs on a worker thread
 * (`sqlite-worker.ts`) holding the one connection. SQLite allows one writer, and better-sqlite3
 * blocks its thread while it works; on the worker that time no longer holds up HTTP.
 */
import { Worker } from 'node:worker_threads';
import type { AccessToken, App, EventTemplate, ObjectType, Portal } from '../../domain/types.js';
import type { EventWrite, NewTemplate, Store } from '../store.js';
import { StoreUnavailableError } from '../store-errors.js';
import { type PackedResult, packEventWrite, unpackResults } from './packed-event-write.js';
import { ReadCache } from './read-cache.js';
import type { WorkerAnswer, WorkerCall } from './sqlite-worker.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class WorkerSqliteStore implements Store {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly tokens = new ReadCache<AccessToken | undefined>();
  private readonly templates = new ReadCache<EventTemplate | undefined>();
  private readonly portals = new ReadCache<Portal | undefined>();

  constructor(path: string) {
    this.worker = new Worker(new URL('./sqlite-worker.js', import.meta.url), { workerData: { path } });
    this.worker.on('message', (answer: WorkerAnswer) => this.settle(answer));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new StoreUnavailableError(`the SQLite worker stopped (exit code ${code})`)),
    );
  }

  private call<K extends keyof Store>(method: K, ...args: Parameters<Store[K]>): ReturnType<Store[K]> {
    if (this.failure) return Promise.reject(this.failure) as ReturnType<Store[K]>;
    const id = this.nextId++;
    const call: WorkerCall = { id, method, args };
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(call);
    }) as ReturnType<Store[K]>;
  }

  private settle(answer: WorkerAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if (!answer.error) {
      pending.resolve(answer.result);
      return;
    }
    // Rebuild the error with its code, so callers can tell a full disk (503) from a bug (500).
    const error = new Error(answer.error.message) as Error & { code?: string };
    error.name = answer.error.name;
    if (answer.error.code) error.code = answer.error.code;
    pending.reject(error);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  migrate = () => this.call('migrate');
  async close(): Promise<void> {
    if (this.failure) return;
    await this.call('close');
    this.failure = new StoreUnavailableError('the store is closed');
    await this.worker.terminate();
  }
  getMeta = (key: string) => this.call('getMeta', key);
  setMeta = (key: string, value: string) => this.call('setMeta', key, value);
  ensurePortal = async (portal: Portal) => {
    await this.call('ensurePortal', portal);
    this.portals.delete(String(portal.id));
  };
  getPortal = (portalId: number) =>
    this.portals.get(String(portalId), () => this.call('getPortal', portalId));
  ensureDeveloperAccount = (apiKey: string) => this.call('ensureDeveloperAccount', apiKey);
  findDeveloperAccount = (apiKey: string) => this.call('findDeveloperAccount', apiKey);
  ensureApp = (app: App) => this.call('ensureApp', app);
  findApp = (appId: number) => this.call('findApp', appId);
  ensureAccessToken = async (token: AccessToken) => {
    await this.call('ensureAccessToken', token);
    this.tokens.delete(token.token);
  };
  findAccessToken = (token: string) => this.tokens.get(token, () => this.call('findAccessToken', token));
  listTemplates = (appId: number) => this.call('listTemplates', appId);
  getTemplate = (templateId: string) =>
    this.templates.get(templateId, () => this.call('getTemplate', templateId));
  insertTemplate = (appId: number, template: NewTemplate, maxPerApp: number) =>
    this.call('insertTemplate', appId, template, maxPerApp);
  replaceTemplate = async (template: EventTemplate) => {
    const saved = await this.call('replaceTemplate', template);
    this.templates.delete(template.id);
    return saved;
  };
  deleteTemplate = async (appId: number, templateId: string) => {
    const deleted = await this.call('deleteTemplate', appId, templateId);
    this.templates.delete(templateId);
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
  writeEvents = async (writes: EventWrite[], options: { autoCreateRecords: boolean; now: number }) => {
    // Packed here, on the main thread; the worker takes them as packed writes (see sqlite-worker).
    const packed = writes.map(packEventWrite) as unknown as EventWrite[];
    const results = (await this.call('writeEvents', packed, options)) as unknown as PackedResult[];
    return unpackResults(writes, results);
  };
  getEvent = (portalId: number, eventTemplateId: string, eventId: string) =>
    this.call('getEvent', portalId, eventTemplateId, eventId);
}
