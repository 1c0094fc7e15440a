/**
 * The embedded store: one SQLite file in WAL mode, one connection, synchronous = FULL so that a
 * commit is on disk before the server answers. better-sqlite3 is synchronous, so each method runs to
 * completion without interleaving; the async signatures exist for the `Store` interface.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AccessToken,
  App,
  CrmRecord,
  DeveloperAccount,
  EventTemplate,
  ObjectType,
  Portal,
  TimelineEvent,
} from '../../domain/types.js';
import { recordFromRow, type TemplateRow, templateFromRow } from '../rows.js';
import {
  CANONICAL_ID,
  type EventWrite,
  type EventWriteResult,
  type NewTemplate,
  type RecordPage,
  type RecordWriteResult,
  type Store,
  type StoreFailure,
} from '../store.js';
import { sqliteMigrations } from './migrations.js';
import { type PackedResult, packEventWrite, unpackResults } from './packed-event-write.js';
import { type EventWriteGroup, type EventWriteOptions, SqliteEventWriter } from './sqlite-event-writer.js';
import { SqliteRecords } from './sqlite-records.js';

const FIRST_TEMPLATE_ID = 1_000_001;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  // Both prepare statements against the schema, so they are made once migrate() has run.
  private recordStatements: SqliteRecords | undefined;
  private eventWriter: SqliteEventWriter | undefined;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before the server acknowledges it (NORMAL could lose the last
    // commits on power loss, and we never acknowledge what is not durably stored).
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }

  async migrate(): Promise<void> {
    const migrate = this.db.transaction(() => {
      // Read under the write lock (IMMEDIATE): a second process starting at once waits here and then
      // sees the migrations the first one applied.
      const applied = this.db.pragma('user_version', { simple: true }) as number;
      sqliteMigrations.slice(applied).forEach((sql, i) => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${applied + i + 1}`);
      });
    });
    migrate.immediate();
    this.recordStatements = new SqliteRecords(this.db);
    this.eventWriter = new SqliteEventWriter(this.db, this.recordStatements);
  }

  private get records(): SqliteRecords {
    if (!this.recordStatements) throw new Error('SqliteStore.migrate() must run first');
    return this.recordStatements;
  }

  private get events(): SqliteEventWriter {
    if (!this.eventWriter) throw new Error('SqliteStore.migrate() must run first');
    return this.eventWriter;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  async ensurePortal(portal: Portal): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO portals (id, time_zone) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone',
      )
      .run(portal.id, portal.timeZone);
  }

  async getPortal(portalId: number): Promise<Portal | undefined> {
    const row = this.db.prepare('SELECT id, time_zone FROM portals WHERE id = ?').get(portalId) as
      | { id: number; time_zone: string }
      | undefined;
    return row && { id: row.id, timeZone: row.time_zone };
  }

  async ensureDeveloperAccount(apiKey: string): Promise<DeveloperAccount> {
    this.db
      .prepare('INSERT INTO developer_accounts (api_key) VALUES (?) ON CONFLICT (api_key) DO NOTHING')
      .run(apiKey);
    return (await this.findDeveloperAccount(apiKey)) as DeveloperAccount;
  }

  async findDeveloperAccount(apiKey: string): Promise<DeveloperAccount | undefined> {
    const row = this.db.prepare('SELECT id, api_key FROM developer_accounts WHERE api_key = ?').get(apiKey) as
      | { id: number; api_key: string }
      | undefined;
    return row && { id: row.id, apiKey: row.api_key };
  }

  async ensureApp(app: App): Promise<{ ok: true } | StoreFailure> {
    this.db
      .prepare('INSERT INTO apps (id, developer_account_id) VALUES (?, ?) ON CONFLICT (id) DO NOTHING')
      .run(app.id, app.developerAccountId);
    const owner = await this.findApp(app.id);
    if (owner?.developerAccountId !== app.developerAccountId) {
      return { ok: false, code: 'APP_NOT_OWNED', params: { appId: app.id } };
    }
    return { ok: true };
  }

  async findApp(appId: number): Promise<App | undefined> {
    const row = this.db.prepare('SELECT id, developer_account_id FROM apps WHERE id = ?').get(appId) as
      | { id: number; developer_account_id: number }
      | undefined;
    return row && { id: row.id, developerAccountId: row.developer_account_id };
  }

  async ensureAccessToken(token: AccessToken): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO access_tokens (token, portal_id, app_id, scopes) VALUES (?, ?, ?, ?)
         ON CONFLICT (token) DO UPDATE SET portal_id = excluded.portal_id, app_id = excluded.app_id, scopes = excluded.scopes`,
      )
      .run(token.token, token.portalId, token.appId, JSON.stringify(token.scopes));
  }

  async findAccessToken(token: string): Promise<AccessToken | undefined> {
    const row = this.db.prepare('SELECT * FROM access_tokens WHERE token = ?').get(token) as
      | { token: string; portal_id: number; app_id: number; scopes: string }
      | undefined;
    return (
      row && { token: row.token, portalId: row.portal_id, appId: row.app_id, scopes: JSON.parse(row.scopes) }
    );
  }

  async listTemplates(appId: number): Promise<EventTemplate[]> {
    const rows = this.db
      .prepare('SELECT * FROM event_templates WHERE app_id = ? ORDER BY id')
      .all(appId) as TemplateRow[];
    return rows.map(templateFromRow);
  }

  async getTemplate(templateId: string): Promise<EventTemplate | undefined> {
    if (!CANONICAL_ID.test(templateId)) return undefined;
    const row = this.db.prepare('SELECT * FROM event_templates WHERE id = ?').get(Number(templateId)) as
      | TemplateRow
      | undefined;
    return row && templateFromRow(row);
  }

  async insertTemplate(
    appId: number,
    t: NewTemplate,
    maxPerApp: number,
  ): Promise<EventTemplate | StoreFailure> {
    const insert = this.db.transaction((): EventTemplate | StoreFailure => {
      const { count } = this.db
        .prepare('SELECT count(*) AS count FROM event_templates WHERE app_id = ?')
        .get(appId) as {
        count: number;
      };
      if (count >= maxPerApp)
        return { ok: false, code: 'TEMPLATE_LIMIT_REACHED', params: { appId, limit: maxPerApp } };
      // From a sequence, never max(id) + 1: a deleted template's id (and its stored events) must
      // never pass to a new template.
      const { id } = this.db
        .prepare(
          `INSERT INTO sequences (name, value) VALUES ('event_template', ?) ON CONFLICT (name)
           DO UPDATE SET value = value + 1 RETURNING value AS id`,
        )
        .get(FIRST_TEMPLATE_ID) as { id: number };
      this.db
        .prepare(
          `INSERT INTO event_templates (id, app_id, name, object_type, header_template, detail_template, tokens, created_at, updated_at, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        )
        .run(
          id,
          appId,
          t.name,
          t.objectType,
          t.headerTemplate ?? null,
          t.detailTemplate ?? null,
          JSON.stringify(t.tokens),
          t.createdAt,
          t.createdAt,
        );
      return { ...t, id: String(id), appId, updatedAt: t.createdAt, version: 1 };
    });
    return insert.immediate();
  }

  async replaceTemplate(t: EventTemplate): Promise<EventTemplate | undefined> {
    const result = this.db
      .prepare(
        `UPDATE event_templates SET name = ?, header_template = ?, detail_template = ?, tokens = ?, updated_at = ?, version = version + 1
         WHERE id = ? AND version = ?`,
      )
      .run(
        t.name,
        t.headerTemplate ?? null,
        t.detailTemplate ?? null,
        JSON.stringify(t.tokens),
        t.updatedAt,
        Number(t.id),
        t.version,
      );
    return result.changes === 1 ? { ...t, version: t.version + 1 } : undefined;
  }

  async deleteTemplate(appId: number, templateId: string): Promise<boolean> {
    if (!CANONICAL_ID.test(templateId)) return false;
    return (
      this.db
        .prepare('DELETE FROM event_templates WHERE id = ? AND app_id = ?')
        .run(Number(templateId), appId).changes === 1
    );
  }

  async createRecord(
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult> {
    return this.db.transaction(() => this.records.create(portalId, objectType, properties, now)).immediate();
  }

  async getRecord(portalId: number, objectType: ObjectType, id: string): Promise<CrmRecord | undefined> {
    const row = this.records.find(portalId, objectType, id);
    return row && recordFromRow(row);
  }

  async updateRecord(
    portalId: number,
    objectType: ObjectType,
    id: string,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult> {
    return this.db
      .transaction((): RecordWriteResult => {
        const row = this.records.find(portalId, objectType, id);
        if (!row) return { ok: false, code: 'CRM_OBJECT_NOT_FOUND', params: { id } };
        return this.records.merge(row, properties, now);
      })
      .immediate();
  }

  async archiveRecord(portalId: number, objectType: ObjectType, id: string): Promise<boolean> {
    return this.records.delete(portalId, objectType, id);
  }

  async listRecords(
    portalId: number,
    objectType: ObjectType,
    limit: number,
    after?: string,
  ): Promise<RecordPage> {
    const rows = this.records.page(portalId, objectType, limit + 1, after);
    const page: RecordPage = { records: rows.slice(0, limit).map(recordFromRow) };
    if (rows.length > limit) page.after = String(rows[limit - 1]?.id);
    return page;
  }

  async findContactByEmail(portalId: number, email: string): Promise<CrmRecord | undefined> {
    const row = this.records.findContactByEmail(portalId, email);
    return row && recordFromRow(row);
  }

  async writeEvents(writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]> {
    const [results] = this.events.writeGroups([{ writes: writes.map(packEventWrite), options }]);
    return unpackResults(writes, results ?? []);
  }

  /** Several callers' packed writes in one commit; see SqliteEventWriter.writeGroups. */
  writeEventGroups(groups: EventWriteGroup[]): PackedResult[][] {
    return this.events.writeGroups(groups);
  }

  async getEvent(
    portalId: number,
    eventTemplateId: string,
    eventId: string,
  ): Promise<TimelineEvent | undefined> {
    if (!CANONICAL_ID.test(eventTemplateId)) return undefined;
    return this.events.find(portalId, Number(eventTemplateId), eventId);
  }
}
