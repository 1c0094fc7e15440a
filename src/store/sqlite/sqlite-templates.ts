/**
 * Event templates in SQLite (tokens live inside their template's row). Template ids come from a
 * sequence, and a replace is optimistic: it applies only if the stored version is still the one read.
 */
import type Database from 'better-sqlite3';
import { CANONICAL_ID, type NewTemplate, type StoreFailure } from '../../domain/store.js';
import type { EventTemplate } from '../../domain/types.js';
import { type TemplateRow, templateFromRow } from '../rows.js';

/** Template ids start here, as HubSpot's are seven-digit numbers. */
const FIRST_TEMPLATE_ID = 1_000_001;

export class SqliteTemplates {
  private readonly statements;
  private readonly insertCounted: Database.Transaction<
    (appId: number, t: NewTemplate, maxPerApp: number) => EventTemplate | StoreFailure
  >;

  constructor(db: Database.Database) {
    this.statements = {
      list: db.prepare<[number], TemplateRow>('SELECT * FROM event_templates WHERE app_id = ? ORDER BY id'),
      get: db.prepare<[number], TemplateRow>('SELECT * FROM event_templates WHERE id = ?'),
      count: db.prepare<[number], { count: number }>(
        'SELECT count(*) AS count FROM event_templates WHERE app_id = ?',
      ),
      // From a sequence, never max(id) + 1: a deleted template's id (and its stored events) must
      // never pass to a new template.
      nextId: db.prepare<[number], { id: number }>(
        `INSERT INTO sequences (name, value) VALUES ('event_template', ?) ON CONFLICT (name)
         DO UPDATE SET value = value + 1 RETURNING value AS id`,
      ),
      insert: db.prepare(
        `INSERT INTO event_templates (id, app_id, name, object_type, header_template, detail_template, tokens, created_at, updated_at, version, app_event_uid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      ),
      byUid: db.prepare<[number, string], TemplateRow>(
        'SELECT * FROM event_templates WHERE app_id = ? AND app_event_uid = ?',
      ),
      // No index leads with template_id (the event key is portal first): a scan that stops at the
      // first row, run only when an app event type is replaced.
      anyEvent: db.prepare<[number], { found: number }>(
        'SELECT 1 AS found FROM timeline_events WHERE template_id = ? LIMIT 1',
      ),
      replace: db.prepare(
        `UPDATE event_templates SET name = ?, object_type = ?, header_template = ?, detail_template = ?, tokens = ?, updated_at = ?, version = version + 1
         WHERE id = ? AND version = ?`,
      ),
      delete: db.prepare('DELETE FROM event_templates WHERE id = ? AND app_id = ?'),
    };
    this.insertCounted = db.transaction((appId, t, maxPerApp) => this.insertUnderLock(appId, t, maxPerApp));
  }

  list(appId: number): EventTemplate[] {
    return this.statements.list.all(appId).map(templateFromRow);
  }

  get(templateId: string): EventTemplate | undefined {
    if (!CANONICAL_ID.test(templateId)) return undefined;
    const row = this.statements.get.get(Number(templateId));
    return row && templateFromRow(row);
  }

  /** Fails with TEMPLATE_LIMIT_REACHED when the app already has `maxPerApp` templates. */
  insert(appId: number, t: NewTemplate, maxPerApp: number): EventTemplate | StoreFailure {
    // IMMEDIATE: the count and the insert happen under the write lock, so the limit holds.
    return this.insertCounted.immediate(appId, t, maxPerApp);
  }

  private insertUnderLock(appId: number, t: NewTemplate, maxPerApp: number): EventTemplate | StoreFailure {
    const count = this.statements.count.get(appId)?.count ?? 0;
    if (count >= maxPerApp)
      return { ok: false, code: 'TEMPLATE_LIMIT_REACHED', params: { appId, limit: maxPerApp } };
    if (t.appEventUid !== undefined && this.statements.byUid.get(appId, t.appEventUid))
      return { ok: false, code: 'APP_EVENT_TYPE_EXISTS', params: { appId, uid: t.appEventUid } };
    const id = (this.statements.nextId.get(FIRST_TEMPLATE_ID) as { id: number }).id;
    this.statements.insert.run(
      id,
      appId,
      t.name,
      t.objectType,
      t.headerTemplate ?? null,
      t.detailTemplate ?? null,
      JSON.stringify(t.tokens),
      t.createdAt,
      t.createdAt,
      t.appEventUid ?? null,
    );
    return { ...t, id: String(id), appId, updatedAt: t.createdAt, version: 1 };
  }

  findAppEventType(appId: number, uid: string): EventTemplate | undefined {
    const row = this.statements.byUid.get(appId, uid);
    return row && templateFromRow(row);
  }

  hasEvents(templateId: string): boolean {
    if (!CANONICAL_ID.test(templateId)) return false;
    return this.statements.anyEvent.get(Number(templateId)) !== undefined;
  }

  /** The saved template with its next version, or `undefined` when the version moved on. */
  replace(t: EventTemplate): EventTemplate | undefined {
    const result = this.statements.replace.run(
      t.name,
      t.objectType,
      t.headerTemplate ?? null,
      t.detailTemplate ?? null,
      JSON.stringify(t.tokens),
      t.updatedAt,
      Number(t.id),
      t.version,
    );
    return result.changes === 1 ? { ...t, version: t.version + 1 } : undefined;
  }

  delete(appId: number, templateId: string): boolean {
    if (!CANONICAL_ID.test(templateId)) return false;
    return this.statements.delete.run(Number(templateId), appId).changes === 1;
  }
}
