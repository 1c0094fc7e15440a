/**
 * The PostgreSQL store, for several server processes on one database. A `pg.Pool` of `poolSize`
 * connections; every write that must be atomic is one transaction on one connection, and a commit
 * is durable before the method returns (the server's `synchronous_commit` left on). Connection
 * failures surface as the store's StoreUnavailableError; the pool reconnects by itself once
 * PostgreSQL is back.
 *
 * The schema is the URL's search_path (`?options=-c search_path=...`) or `options.schema`, which
 * migrate() creates when missing, so several deployments (or test runs) can share one database.
 */
import type pg from 'pg';
import {
  type ActivityPage,
  type ActivityQuery,
  CANONICAL_ID,
  type DailyRequestCount,
  type EventWrite,
  type EventWriteOptions,
  type EventWriteResult,
  type NewObjectSchema,
  type NewTemplate,
  type RecordPage,
  type RecordWriteResult,
  type RequestCountHit,
  type RequestCountResult,
  type ResetScope,
  type Store,
  type StoreFailure,
  type TemplatePageQuery,
  type TimelinePage,
  type TimelineQuery,
} from '../../domain/store.js';
import type {
  AccessToken,
  App,
  CrmRecord,
  DeveloperAccount,
  EventTemplate,
  OAuthClient,
  OAuthCode,
  ObjectSchema,
  ObjectType,
  Portal,
  RefreshToken,
  TimelineEvent,
  UiSession,
} from '../../domain/types.js';
import { recordFromRow } from '../rows.js';
import { translatePostgresError, withTranslatedErrors } from './postgres-errors.js';
import { PostgresEventWriter } from './postgres-event-writer.js';
import { applyMigrations } from './postgres-migrations.js';
import { PostgresOAuth } from './postgres-oauth.js';
import { PostgresObjectSchemas } from './postgres-object-schemas.js';
import {
  createPool,
  endWhenIdle,
  isRetryable,
  type PoolOptions,
  searchPathSchema,
  transaction,
} from './postgres-pool.js';
import { refreshSearchKeys } from './postgres-record-activity.js';
import { PostgresRecords, type RowResult } from './postgres-records.js';
import { PostgresRequestCounts } from './postgres-request-counts.js';
import { PostgresReset } from './postgres-reset.js';
import { PostgresTemplates } from './postgres-templates.js';
import { PostgresTenants } from './postgres-tenants.js';
import { PostgresTimeline } from './postgres-timeline.js';
import { PostgresUiReads } from './postgres-ui-reads.js';

export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  private readonly tenants: PostgresTenants;
  private readonly templates: PostgresTemplates;
  private readonly schemas: PostgresObjectSchemas;
  private readonly records = new PostgresRecords();
  private readonly events: PostgresEventWriter;
  private readonly oauth: PostgresOAuth;
  private readonly timeline = new PostgresTimeline();
  private closed = false;
  private readonly requestCounts: PostgresRequestCounts;
  private readonly resets: PostgresReset;
  private readonly ui: PostgresUiReads;

  /** The schema migrate() creates when missing: the given one, or the first of the URL's search_path. */
  private readonly schema: string | undefined;

  constructor(url: string, options: PoolOptions) {
    this.pool = createPool(url, options);
    this.schema = options.schema ?? searchPathSchema(url);
    this.tenants = new PostgresTenants(this.pool);
    this.templates = new PostgresTemplates(this.pool);
    this.schemas = new PostgresObjectSchemas(this.pool);
    this.events = new PostgresEventWriter(this.pool, this.records);
    this.oauth = new PostgresOAuth(this.pool);
    this.requestCounts = new PostgresRequestCounts(this.pool);
    this.resets = new PostgresReset(this.pool);
    this.ui = new PostgresUiReads(this.pool);
    // Every method's failures are translated here, once, for whoever constructs the store (the
    // server, the tests, the benchmarks): a lost connection becomes StoreUnavailableError.
    // biome-ignore lint/correctness/noConstructorReturn: the store is answered behind its translating proxy
    return withTranslatedErrors(this, translatePostgresError);
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await applyMigrations(client, this.schema);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Calls already made are answered first: a write in flight is committed, not dropped.
    await endWhenIdle(this.pool);
  }

  getMeta(key: string): Promise<string | undefined> {
    return this.tenants.getMeta(key);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.tenants.setMeta(key, value);
  }

  ensurePortal(portal: Portal): Promise<void> {
    return this.tenants.ensurePortal(portal);
  }

  getPortal(portalId: number): Promise<Portal | undefined> {
    return this.tenants.getPortal(portalId);
  }

  ensureDeveloperAccount(apiKeyHash: string, replacing?: string): Promise<DeveloperAccount> {
    return this.tenants.ensureDeveloperAccount(apiKeyHash, replacing);
  }

  findDeveloperAccount(apiKeyHash: string): Promise<DeveloperAccount | undefined> {
    return this.tenants.findDeveloperAccount(apiKeyHash);
  }

  ensureApp(app: App): Promise<{ ok: true } | StoreFailure> {
    return this.tenants.ensureApp(app);
  }

  findApp(appId: number): Promise<App | undefined> {
    return this.tenants.findApp(appId);
  }

  ensureAccessToken(token: AccessToken, replacing?: string): Promise<void> {
    return this.tenants.ensureAccessToken(token, replacing);
  }

  findAccessToken(tokenHash: string): Promise<AccessToken | undefined> {
    return this.tenants.findAccessToken(tokenHash);
  }

  deleteAccessToken(tokenHash: string): Promise<boolean> {
    return this.tenants.deleteAccessToken(tokenHash);
  }

  insertSession(session: UiSession, now: number): Promise<void> {
    return this.tenants.insertSession(session, now);
  }

  findSession(idHash: string): Promise<UiSession | undefined> {
    return this.tenants.findSession(idHash);
  }

  deleteSession(idHash: string): Promise<void> {
    return this.tenants.deleteSession(idHash);
  }

  listTemplates(appId: number): Promise<EventTemplate[]> {
    return this.templates.list(appId);
  }

  getTemplate(templateId: string): Promise<EventTemplate | undefined> {
    return this.templates.get(templateId);
  }

  insertTemplate(
    appId: number,
    template: NewTemplate,
    maxPerApp: number,
  ): Promise<EventTemplate | StoreFailure> {
    return this.templates.insert(appId, template, maxPerApp);
  }

  replaceTemplate(template: EventTemplate): Promise<EventTemplate | undefined> {
    return this.templates.replace(template);
  }

  deleteTemplate(appId: number, templateId: string): Promise<boolean> {
    return this.templates.delete(appId, templateId);
  }

  async createRecord(
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult> {
    const result = await this.records.create(this.pool, portalId, objectType, properties, now);
    return publicResult(result);
  }

  async getRecord(portalId: number, objectType: ObjectType, id: string): Promise<CrmRecord | undefined> {
    const row = await this.records.find(this.pool, portalId, objectType, id);
    return row && recordFromRow(row);
  }

  async updateRecord(
    portalId: number,
    objectType: ObjectType,
    id: string,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult> {
    const update = () =>
      transaction(this.pool, async (client): Promise<RowResult> => {
        const row = await this.records.find(client, portalId, objectType, id, true);
        if (!row) return { ok: false, code: 'CRM_OBJECT_NOT_FOUND', params: { id } };
        const result = await this.records.merge(client, row, properties, now);
        // The records search's keys follow (the event writer refreshes them with each event).
        if (result.ok) await refreshSearchKeys(client, portalId, objectType, row.id);
        return result;
      });
    // A unique violation means another writer took the email after our check; the retry reports it.
    const result = await update().catch((error: unknown) => {
      if (isRetryable(error) || (error as { code?: unknown }).code === '23505') return update();
      throw error;
    });
    return publicResult(result);
  }

  archiveRecord(portalId: number, objectType: ObjectType, id: string): Promise<boolean> {
    return this.records.delete(this.pool, portalId, objectType, id);
  }

  async listRecords(
    portalId: number,
    objectType: ObjectType,
    limit: number,
    after?: string,
  ): Promise<RecordPage> {
    const rows = await this.records.page(this.pool, portalId, objectType, limit + 1, after);
    const page: RecordPage = { records: rows.slice(0, limit).map(recordFromRow) };
    if (rows.length > limit) page.after = String(rows[limit - 1]?.id);
    return page;
  }

  async findContactByEmail(portalId: number, email: string): Promise<CrmRecord | undefined> {
    const row = await this.records.findContactByEmail(this.pool, portalId, email);
    return row && recordFromRow(row);
  }

  writeEvents(writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]> {
    return this.events.write(writes, options);
  }

  async getEvent(
    portalId: number,
    eventTemplateId: string,
    eventId: string,
  ): Promise<TimelineEvent | undefined> {
    if (!CANONICAL_ID.test(eventTemplateId)) return undefined;
    return this.events.find(portalId, Number(eventTemplateId), eventId);
  }

  // App event types
  findAppEventType(appId: number, uid: string): Promise<EventTemplate | undefined> {
    return this.templates.findAppEventType(appId, uid);
  }

  templateHasEvents(templateId: string): Promise<boolean> {
    return this.templates.hasEvents(templateId);
  }

  // The OAuth stand-in
  ensureOAuthClient(client: OAuthClient): Promise<void> {
    return this.oauth.ensureClient(client);
  }

  findOAuthClient(clientId: string): Promise<OAuthClient | undefined> {
    return this.oauth.findClient(clientId);
  }

  insertOAuthCode(code: OAuthCode): Promise<void> {
    return this.oauth.insertCode(code);
  }

  useOAuthCode(codeHash: string): Promise<OAuthCode | undefined> {
    return this.oauth.useCode(codeHash);
  }

  insertRefreshToken(token: RefreshToken): Promise<void> {
    return this.oauth.insertRefreshToken(token);
  }

  findRefreshToken(tokenHash: string): Promise<RefreshToken | undefined> {
    return this.oauth.findRefreshToken(tokenHash);
  }

  revokeRefreshToken(tokenHash: string): Promise<boolean> {
    return this.oauth.revokeRefreshToken(tokenHash);
  }

  isTrustedPortal(appId: number, portalId: number): Promise<boolean> {
    return this.oauth.isTrustedPortal(appId, portalId);
  }

  setTrustedPortal(appId: number, portalId: number, trusted: boolean): Promise<void> {
    return this.oauth.setTrustedPortal(appId, portalId, trusted);
  }

  // Record timelines
  readTimeline(query: TimelineQuery): Promise<TimelinePage> {
    return this.timeline.read(this.pool, query);
  }

  listRecordActivity(query: ActivityQuery): Promise<ActivityPage> {
    return this.timeline.listActivity(this.pool, query);
  }

  // The web UI's reads
  recordPropertyTimes(portalId: number, objectType: ObjectType, id: string) {
    return this.ui.recordPropertyTimes(portalId, objectType, id);
  }
  listTemplatePage(query: TemplatePageQuery) {
    return this.ui.listTemplatePage(query);
  }
  sampleTemplateEvents(portalId: number, templateId: string, cap: number) {
    return this.ui.sampleTemplateEvents(portalId, templateId, cap);
  }

  // Custom object schemas
  insertObjectSchema(schema: NewObjectSchema): Promise<ObjectSchema | StoreFailure> {
    return this.schemas.insert(schema);
  }

  listObjectSchemas(portalId: number): Promise<ObjectSchema[]> {
    return this.schemas.list(portalId);
  }

  getObjectSchema(portalId: number, key: string): Promise<ObjectSchema | undefined> {
    return this.schemas.get(portalId, key);
  }

  // Rate-limit counts, portal rate-limit settings, reset
  /** Every process on the database counts in it: two processes never allow twice the limit. */
  readonly sharedRequestCounts = true;

  countRequest(hit: RequestCountHit): Promise<RequestCountResult> {
    return this.requestCounts.count(hit);
  }

  loadDailyRequestCounts(day: number): Promise<DailyRequestCount[]> {
    return this.requestCounts.loadDaily(day);
  }

  saveDailyRequestCounts(day: number, counts: DailyRequestCount[]): Promise<void> {
    return this.requestCounts.saveDaily(day, counts);
  }

  setPortalRateLimit(portalId: number, rateLimit: string | null): Promise<void> {
    return this.requestCounts.setPortalRateLimit(portalId, rateLimit);
  }

  getPortalRateLimit(portalId: number): Promise<string | undefined> {
    return this.requestCounts.getPortalRateLimit(portalId);
  }

  reset(scope: ResetScope): Promise<void> {
    return this.resets.reset(scope);
  }
}

/** The store's answer without the row the adapter keeps for itself. */
function publicResult(result: RowResult): RecordWriteResult {
  return result.ok ? { ok: true, record: result.record } : result;
}
