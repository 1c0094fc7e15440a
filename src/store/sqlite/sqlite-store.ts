/**
 * The embedded store: one SQLite file in WAL mode, one connection, synchronous = FULL so that a
 * commit is on disk before the server answers. A thin facade over the files that each hold one
 * role (`sqlite-tenants`, `sqlite-templates`, `sqlite-records`, `sqlite-event-writer`), mirroring
 * the PostgreSQL adapter. better-sqlite3 is synchronous, so each method runs to completion without
 * interleaving; the async signatures exist for the `Store` interface. The server runs it on a
 * thread of its own (`sqlite-thread.ts`); tests also use it directly.
 */

import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { hashSecret } from '../../domain/credentials/secrets.js';
import {
  type ActivityPage,
  type ActivityQuery,
  CANONICAL_ID,
  type DailyRequestCount,
  type EventWrite,
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
import { makeFolder } from '../../make-folder.js';
import { recordFromRow } from '../rows.js';
import { type PackedResult, packEventWrite, unpackResults } from './packed-event-write.js';
import { translateSqliteError, translateSqliteOpenError } from './sqlite-errors.js';
import { type EventWriteGroup, type EventWriteOptions, SqliteEventWriter } from './sqlite-event-writer.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { SqliteOAuth } from './sqlite-oauth.js';
import { SqliteObjectSchemas } from './sqlite-object-schemas.js';
import { SqliteRecords } from './sqlite-records.js';
import { SqliteRequestCounts } from './sqlite-request-counts.js';
import { SqliteReset } from './sqlite-reset.js';
import { SqliteTemplates } from './sqlite-templates.js';
import { SqliteTenants } from './sqlite-tenants.js';
import { SqliteTimeline } from './sqlite-timeline.js';
import { SqliteUiReads } from './sqlite-ui-reads.js';

/** The role objects prepare statements against the schema, so they exist once migrate() has run. */
interface Parts {
  tenants: SqliteTenants;
  templates: SqliteTemplates;
  records: SqliteRecords;
  events: SqliteEventWriter;
  oauth: SqliteOAuth;
  timeline: SqliteTimeline;
  schemas: SqliteObjectSchemas;
  requestCounts: SqliteRequestCounts;
  resets: SqliteReset;
  ui: SqliteUiReads;
}

/**
 * The database holds several companies' customer data: its file is readable and writable by its
 * owner only (0600), whatever the umask. A new file is created so; an existing one that others may
 * read is narrowed, when this process owns it. SQLite gives its -wal and -shm files the database
 * file's permissions.
 */
function ownerOnly(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return; // better-sqlite3 reports it
  }
  const stats = statSync(path);
  if (stats.isFile() && (stats.mode & 0o077) !== 0 && stats.uid === process.getuid?.())
    chmodSync(path, 0o600);
}

/** A CRM API write, committed or not, clears the event writer's contacts cache (rare next to events). */
function forgetting<T>(records: SqliteRecords, write: () => T): T {
  try {
    return write();
  } finally {
    records.forgetCached();
  }
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private migrated: Parts | undefined;

  constructor(private readonly path: string) {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') {
        makeFolder(dirname(path));
        ownerOnly(path);
      }
      db = new Database(path);
      this.db = db;
      // One server per file: the server caches credentials and templates, so a second process
      // writing the same file would be served stale answers. EXCLUSIVE locking mode keeps the lock
      // taken by the first write transaction for the connection's life (the operating system drops
      // it if the process dies), so a second server fails here at once instead of later. It also
      // spares WAL its shared-memory index.
      this.db.pragma('busy_timeout = 0');
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.exec('BEGIN IMMEDIATE; COMMIT');
      // FULL: a commit is fsynced before the server acknowledges it (NORMAL could lose the last
      // commits on power loss, and we never acknowledge what is not durably stored).
      this.db.pragma('synchronous = FULL');
    } catch (error) {
      // Let go of the file (and any lock taken) before reporting why it could not be used.
      if (db?.open) db.close();
      throw translateSqliteOpenError(error, path);
    }
  }

  async migrate(): Promise<void> {
    try {
      // The hash of secrets (domain/secrets.ts), for the migration that stops keeping them in clear.
      this.db.function('timeline_sha256', { deterministic: true }, (text: unknown) =>
        typeof text === 'string' ? hashSecret(text) : null,
      );
      const migrate = this.db.transaction(() => {
        // Read under the write lock (IMMEDIATE): a second process starting at once waits here and
        // then sees the migrations the first one applied.
        const applied = this.db.pragma('user_version', { simple: true }) as number;
        sqliteMigrations.slice(applied).forEach((sql, i) => {
          this.db.exec(sql);
          this.db.pragma(`user_version = ${applied + i + 1}`);
        });
      });
      migrate.immediate();
    } catch (error) {
      throw translateSqliteOpenError(error, this.path);
    }
    const records = new SqliteRecords(this.db);
    this.migrated = {
      tenants: new SqliteTenants(this.db),
      templates: new SqliteTemplates(this.db),
      records,
      events: new SqliteEventWriter(this.db, records),
      oauth: new SqliteOAuth(this.db),
      timeline: new SqliteTimeline(this.db),
      schemas: new SqliteObjectSchemas(this.db),
      requestCounts: new SqliteRequestCounts(this.db),
      resets: new SqliteReset(this.db),
      ui: new SqliteUiReads(this.db),
    };
  }

  /** Runs `work` on the migrated parts; driver errors leave as the store's own. */
  private use<T>(work: (parts: Parts) => T): Promise<T> {
    if (!this.migrated) return Promise.reject(new Error('SqliteStore.migrate() must run first'));
    try {
      return Promise.resolve(work(this.migrated));
    } catch (error) {
      return Promise.reject(translateSqliteError(error));
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  getMeta = (key: string): Promise<string | undefined> => this.use((p) => p.tenants.getMeta(key));
  setMeta = (key: string, value: string): Promise<void> => this.use((p) => p.tenants.setMeta(key, value));
  ensurePortal = (portal: Portal): Promise<void> => this.use((p) => p.tenants.ensurePortal(portal));
  getPortal = (portalId: number): Promise<Portal | undefined> =>
    this.use((p) => p.tenants.getPortal(portalId));
  ensureDeveloperAccount = (apiKeyHash: string, replacing?: string): Promise<DeveloperAccount> =>
    this.use((p) => p.tenants.ensureDeveloperAccount(apiKeyHash, replacing));
  findDeveloperAccount = (apiKeyHash: string): Promise<DeveloperAccount | undefined> =>
    this.use((p) => p.tenants.findDeveloperAccount(apiKeyHash));
  ensureApp = (app: App): Promise<{ ok: true } | StoreFailure> => this.use((p) => p.tenants.ensureApp(app));
  findApp = (appId: number): Promise<App | undefined> => this.use((p) => p.tenants.findApp(appId));
  ensureAccessToken = (token: AccessToken, replacing?: string): Promise<void> =>
    this.use((p) => p.tenants.ensureAccessToken(token, replacing));
  findAccessToken = (tokenHash: string): Promise<AccessToken | undefined> =>
    this.use((p) => p.tenants.findAccessToken(tokenHash));
  deleteAccessToken = (tokenHash: string): Promise<boolean> =>
    this.use((p) => p.tenants.deleteAccessToken(tokenHash));
  insertSession = (session: UiSession, now: number): Promise<void> =>
    this.use((p) => p.tenants.insertSession(session, now));
  findSession = (idHash: string): Promise<UiSession | undefined> =>
    this.use((p) => p.tenants.findSession(idHash));
  deleteSession = (idHash: string): Promise<void> => this.use((p) => p.tenants.deleteSession(idHash));

  listTemplates = (appId: number): Promise<EventTemplate[]> => this.use((p) => p.templates.list(appId));
  getTemplate = (templateId: string): Promise<EventTemplate | undefined> =>
    this.use((p) => p.templates.get(templateId));
  insertTemplate = (
    appId: number,
    t: NewTemplate,
    maxPerApp: number,
  ): Promise<EventTemplate | StoreFailure> => this.use((p) => p.templates.insert(appId, t, maxPerApp));
  replaceTemplate = (t: EventTemplate): Promise<EventTemplate | undefined> =>
    this.use((p) => p.templates.replace(t));
  deleteTemplate = (appId: number, templateId: string): Promise<boolean> =>
    this.use((p) => p.templates.delete(appId, templateId));

  createRecord = (
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult> =>
    this.use((p) =>
      forgetting(p.records, () =>
        this.db.transaction(() => p.records.create(portalId, objectType, properties, now)).immediate(),
      ),
    );

  getRecord = (portalId: number, objectType: ObjectType, id: string): Promise<CrmRecord | undefined> =>
    this.use((p) => {
      const row = p.records.find(portalId, objectType, id);
      return row && recordFromRow(row);
    });

  updateRecord = (
    portalId: number,
    objectType: ObjectType,
    id: string,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult> =>
    this.use((p) =>
      forgetting(p.records, () =>
        this.db
          .transaction((): RecordWriteResult => {
            const row = p.records.find(portalId, objectType, id);
            if (!row) return { ok: false, code: 'CRM_OBJECT_NOT_FOUND', params: { id } };
            const result = p.records.merge(row, properties, now);
            // The records search's keys follow (events' changes reach them through the indexer).
            if (result.ok) p.timeline.recordChanged(portalId, result.record);
            return result;
          })
          .immediate(),
      ),
    );

  archiveRecord = (portalId: number, objectType: ObjectType, id: string): Promise<boolean> =>
    this.use((p) => p.records.delete(portalId, objectType, id));

  listRecords = (
    portalId: number,
    objectType: ObjectType,
    limit: number,
    after?: string,
  ): Promise<RecordPage> =>
    this.use((p) => {
      const rows = p.records.page(portalId, objectType, limit + 1, after);
      const page: RecordPage = { records: rows.slice(0, limit).map(recordFromRow) };
      if (rows.length > limit) page.after = String(rows[limit - 1]?.id);
      return page;
    });

  findContactByEmail = (portalId: number, email: string): Promise<CrmRecord | undefined> =>
    this.use((p) => {
      const row = p.records.findContactByEmail(portalId, email);
      return row && recordFromRow(row);
    });

  writeEvents = (writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]> =>
    this.use((p) => {
      const [results] = p.events.writeGroups([{ writes: writes.map(packEventWrite), options }]);
      return unpackResults(writes, results ?? []);
    });

  /** Several callers' packed writes in one commit (the thread's group commit); see SqliteEventWriter. */
  writeEventGroups(groups: EventWriteGroup[]): PackedResult[][] {
    if (!this.migrated) throw new Error('SqliteStore.migrate() must run first');
    try {
      return this.migrated.events.writeGroups(groups);
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  getEvent = (
    portalId: number,
    eventTemplateId: string,
    eventId: string,
  ): Promise<TimelineEvent | undefined> =>
    this.use((p) =>
      CANONICAL_ID.test(eventTemplateId)
        ? p.events.find(portalId, Number(eventTemplateId), eventId)
        : undefined,
    );

  // App event types
  findAppEventType = (appId: number, uid: string) =>
    this.use((p) => p.templates.findAppEventType(appId, uid));
  templateHasEvents = (templateId: string) => this.use((p) => p.templates.hasEvents(templateId));

  // The OAuth stand-in
  ensureOAuthClient = (client: OAuthClient) => this.use((p) => p.oauth.ensureClient(client));
  findOAuthClient = (clientId: string) => this.use((p) => p.oauth.findClient(clientId));
  insertOAuthCode = (code: OAuthCode) => this.use((p) => p.oauth.insertCode(code));
  useOAuthCode = (codeHash: string) => this.use((p) => p.oauth.useCode(codeHash));
  insertRefreshToken = (token: RefreshToken) => this.use((p) => p.oauth.insertRefreshToken(token));
  findRefreshToken = (tokenHash: string) => this.use((p) => p.oauth.findRefreshToken(tokenHash));
  revokeRefreshToken = (tokenHash: string) => this.use((p) => p.oauth.revokeRefreshToken(tokenHash));
  isTrustedPortal = (appId: number, portalId: number) =>
    this.use((p) => p.oauth.isTrustedPortal(appId, portalId));
  setTrustedPortal = (appId: number, portalId: number, trusted: boolean) =>
    this.use((p) => p.oauth.setTrustedPortal(appId, portalId, trusted));
  // Record timelines
  readTimeline = (query: TimelineQuery): Promise<TimelinePage> => this.use((p) => p.timeline.read(query));
  listRecordActivity = (query: ActivityQuery): Promise<ActivityPage> =>
    this.use((p) => p.timeline.listActivity(query));
  recordPropertyTimes = (portalId: number, objectType: ObjectType, id: string) =>
    this.use((p) => p.ui.recordPropertyTimes(portalId, objectType, id));
  listTemplatePage = (query: TemplatePageQuery) => this.use((p) => p.ui.listTemplatePage(query));
  sampleTemplateEvents = (portalId: number, templateId: string, cap: number) =>
    this.use((p) => p.ui.sampleTemplateEvents(portalId, templateId, cap));

  /**
   * Copies up to `max` logged events into the per-record index (SqliteTimelineIndexer); answers how
   * many. The SQLite thread calls it between group commits; tools that write through this store
   * directly (bench/lib/preload.ts) call it after.
   */
  indexTimeline(max: number): number {
    if (!this.migrated) throw new Error('SqliteStore.migrate() must run first');
    try {
      return this.migrated.timeline.index(max);
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  /** After a group commit: the record reads' unindexed tail takes in its rows (SqliteTimeline). */
  followTimelineTail(): void {
    if (!this.migrated) return;
    try {
      this.migrated.timeline.followLog();
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  /** How many logged events the per-record index has not taken in yet. */
  unindexedEvents(): number {
    if (!this.migrated) return 0;
    return this.migrated.timeline.unindexed();
  }
  // Custom object schemas
  insertObjectSchema = (schema: NewObjectSchema): Promise<ObjectSchema | StoreFailure> =>
    this.use((p) => p.schemas.insert(schema));
  listObjectSchemas = (portalId: number): Promise<ObjectSchema[]> =>
    this.use((p) => p.schemas.list(portalId));
  getObjectSchema = (portalId: number, key: string): Promise<ObjectSchema | undefined> =>
    this.use((p) => p.schemas.get(portalId, key));
  // Rate-limit counts, portal rate-limit settings, reset
  /** One process owns a SQLite file: the server keeps its windows in memory. */
  readonly sharedRequestCounts = false;
  countRequest = (hit: RequestCountHit): Promise<RequestCountResult> =>
    this.use((p) => p.requestCounts.count(hit));
  loadDailyRequestCounts = (day: number): Promise<DailyRequestCount[]> =>
    this.use((p) => p.requestCounts.loadDaily(day));
  saveDailyRequestCounts = (day: number, counts: DailyRequestCount[]): Promise<void> =>
    this.use((p) => p.requestCounts.saveDaily(day, counts));
  setPortalRateLimit = (portalId: number, rateLimit: string | null): Promise<void> =>
    this.use((p) => p.requestCounts.setPortalRateLimit(portalId, rateLimit));
  getPortalRateLimit = (portalId: number): Promise<string | undefined> =>
    this.use((p) => p.requestCounts.getPortalRateLimit(portalId));
  // The per-record index assumes an append-only log (sqlite-timeline-indexer.ts): a reset, the only
  // delete of events, catches the index up first and moves its watermark to the log's end after.
  // The contact cache of the event writer forgets the deleted contacts too.
  reset = (scope: ResetScope): Promise<void> =>
    this.use((p) => {
      p.timeline.resetWith(() => p.resets.reset(scope));
      p.records.forgetCached();
    });
}
