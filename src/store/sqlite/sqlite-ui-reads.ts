/**
 * The web UI's reads on SQLite: when a record's properties were set, templates across apps in
 * pages, and a bounded look at a template's events. Read-only statements over existing tables and
 * indexes (`event_templates_by_app`, the events' primary key); nothing here is on a write path.
 */
import type Database from 'better-sqlite3';
import {
  CANONICAL_ID,
  type PropertyTime,
  type TemplateEventSample,
  type TemplatePage,
  type TemplatePageQuery,
} from '../../domain/store.js';
import type { ObjectType } from '../../domain/types.js';
import {
  type EventRow,
  eventFromRow,
  propertyTimesOf,
  type RecordRow,
  type TemplateRow,
  templateFromRow,
} from '../rows.js';

export class SqliteUiReads {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      record: db.prepare<[number, string, number], RecordRow>(
        'SELECT * FROM crm_records WHERE portal_id = ? AND object_type = ? AND id = ?',
      ),
      templates: db.prepare<[number, number, number], TemplateRow>(
        'SELECT * FROM event_templates WHERE (app_id, id) > (?, ?) ORDER BY app_id, id LIMIT ?',
      ),
      appTemplates: db.prepare<[number, number, number, number], TemplateRow>(
        'SELECT * FROM event_templates WHERE app_id = ? AND (app_id, id) > (?, ?) ORDER BY app_id, id LIMIT ?',
      ),
      // A range of the primary key, read no further than the cap; SQLite's max() names the row it
      // took `event_id` from (the newest by timestamp; of equal ones, the one it met first).
      sample: db.prepare<[number, number, number], { count: number; event_id: string | null }>(
        `SELECT count(*) AS count, max(ts) AS ts, event_id FROM (
           SELECT ts, event_id FROM timeline_events WHERE portal_id = ? AND template_id = ? LIMIT ?
         )`,
      ),
      event: db.prepare<[number, number, string], EventRow>(
        'SELECT * FROM timeline_events WHERE portal_id = ? AND template_id = ? AND event_id = ?',
      ),
    };
  }

  recordPropertyTimes(portalId: number, objectType: ObjectType, id: string): PropertyTime[] | undefined {
    if (!CANONICAL_ID.test(id)) return undefined;
    const row = this.statements.record.get(portalId, objectType, Number(id));
    return row && propertyTimesOf(row);
  }

  listTemplatePage(query: TemplatePageQuery): TemplatePage {
    const after = query.after ?? { appId: -1, id: '0' };
    const afterId = CANONICAL_ID.test(after.id) ? Number(after.id) : 0;
    const rows =
      query.appId === undefined
        ? this.statements.templates.all(after.appId, afterId, query.limit + 1)
        : this.statements.appTemplates.all(query.appId, after.appId, afterId, query.limit + 1);
    const templates = rows.slice(0, query.limit).map(templateFromRow);
    const last = templates.at(-1);
    return rows.length > query.limit && last
      ? { templates, next: { appId: last.appId, id: last.id } }
      : { templates };
  }

  sampleTemplateEvents(portalId: number, templateId: string, cap: number): TemplateEventSample {
    if (!CANONICAL_ID.test(templateId)) return { count: 0 };
    const id = Number(templateId);
    const found = this.statements.sample.get(portalId, id, cap);
    if (!found || found.count === 0 || found.event_id === null) return { count: found?.count ?? 0 };
    const row = this.statements.event.get(portalId, id, found.event_id);
    return row ? { count: found.count, newest: eventFromRow(row) } : { count: found.count };
  }
}
