/**
 * Event templates in PostgreSQL. They belong to an app, not a portal. Ids come from a sequence
 * (1000001 first) and are never reused. The per-app limit is counted and enforced under an advisory
 * lock on the app, so concurrent inserts cannot both pass the count.
 */
import type pg from 'pg';
import { CANONICAL_ID, type NewTemplate, type StoreFailure } from '../../domain/store.js';
import type { EventTemplate } from '../../domain/types.js';
import { type TemplateRow, templateFromRow } from '../rows.js';
import { run, transaction } from './postgres-pool.js';

const COLUMNS =
  'id, app_id, name, object_type, header_template, detail_template, tokens, created_at, updated_at, version, app_event_uid';

const S = {
  get: { name: 'tpl_get', text: `SELECT ${COLUMNS} FROM event_templates WHERE id = $1` },
  list: { name: 'tpl_list', text: `SELECT ${COLUMNS} FROM event_templates WHERE app_id = $1 ORDER BY id` },
  byUid: {
    name: 'tpl_by_uid',
    text: `SELECT ${COLUMNS} FROM event_templates WHERE app_id = $1 AND app_event_uid = $2`,
  },
};

export class PostgresTemplates {
  constructor(private readonly pool: pg.Pool) {}

  async list(appId: number): Promise<EventTemplate[]> {
    return (await run<TemplateRow>(this.pool, S.list, [appId])).map(templateFromRow);
  }

  async get(templateId: string): Promise<EventTemplate | undefined> {
    if (!CANONICAL_ID.test(templateId)) return undefined;
    const [row] = await run<TemplateRow>(this.pool, S.get, [Number(templateId)]);
    return row && templateFromRow(row);
  }

  async insert(appId: number, t: NewTemplate, maxPerApp: number): Promise<EventTemplate | StoreFailure> {
    return transaction(this.pool, async (client): Promise<EventTemplate | StoreFailure> => {
      // One-key advisory locks are the apps' (migrations use the two-key space); held to commit.
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [appId]);
      const { rows } = await client.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM event_templates WHERE app_id = $1',
        [appId],
      );
      if ((rows[0]?.count ?? 0) >= maxPerApp) {
        return { ok: false, code: 'TEMPLATE_LIMIT_REACHED', params: { appId, limit: maxPerApp } };
      }
      // Checked under the app's lock, so two creates of one uid cannot both pass.
      if (t.appEventUid !== undefined && (await run(client, S.byUid, [appId, t.appEventUid])).length > 0) {
        return { ok: false, code: 'APP_EVENT_TYPE_EXISTS', params: { appId, uid: t.appEventUid } };
      }
      const inserted = await client.query<TemplateRow>(
        `INSERT INTO event_templates (app_id, name, object_type, header_template, detail_template, tokens, created_at, updated_at, version, app_event_uid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1, $8) RETURNING ${COLUMNS}`,
        [
          appId,
          t.name,
          t.objectType,
          t.headerTemplate ?? null,
          t.detailTemplate ?? null,
          JSON.stringify(t.tokens),
          t.createdAt,
          t.appEventUid ?? null,
        ],
      );
      return templateFromRow(inserted.rows[0] as TemplateRow);
    });
  }

  /** Optimistic concurrency: only the version the caller read is replaced. */
  async replace(t: EventTemplate): Promise<EventTemplate | undefined> {
    if (!CANONICAL_ID.test(t.id)) return undefined;
    const { rows } = await this.pool.query<TemplateRow>(
      `UPDATE event_templates
       SET name = $1, header_template = $2, detail_template = $3, tokens = $4, updated_at = $5, version = version + 1,
         object_type = $8
       WHERE id = $6 AND version = $7 RETURNING ${COLUMNS}`,
      [
        t.name,
        t.headerTemplate ?? null,
        t.detailTemplate ?? null,
        JSON.stringify(t.tokens),
        t.updatedAt,
        Number(t.id),
        t.version,
        t.objectType,
      ],
    );
    return rows[0] && templateFromRow(rows[0]);
  }

  async findAppEventType(appId: number, uid: string): Promise<EventTemplate | undefined> {
    const [row] = await run<TemplateRow>(this.pool, S.byUid, [appId, uid]);
    return row && templateFromRow(row);
  }

  /** Whether any portal holds an event of the template (a scan that stops at the first row). */
  async hasEvents(templateId: string): Promise<boolean> {
    if (!CANONICAL_ID.test(templateId)) return false;
    const { rows } = await this.pool.query('SELECT 1 FROM timeline_events WHERE template_id = $1 LIMIT 1', [
      Number(templateId),
    ]);
    return rows.length > 0;
  }

  async delete(appId: number, templateId: string): Promise<boolean> {
    if (!CANONICAL_ID.test(templateId)) return false;
    const result = await this.pool.query('DELETE FROM event_templates WHERE id = $1 AND app_id = $2', [
      Number(templateId),
      appId,
    ]);
    return result.rowCount === 1;
  }
}
