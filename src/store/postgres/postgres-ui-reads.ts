/**
 * The web UI's reads on PostgreSQL: when a record's properties were set, templates across apps in
 * pages, and a bounded look at a template's events. Read-only statements over existing tables and
 * indexes (`event_templates_by_app`, the events' primary key); nothing here is on a write path.
 */
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
import { run, type Sql } from './postgres-pool.js';

const S = {
  record: {
    name: 'ui_record_times',
    text: `SELECT portal_id, object_type, id, email_key, properties, created_at, updated_at, property_times
           FROM crm_records WHERE portal_id = $1 AND object_type = $2 AND id = $3`,
  },
  templates: {
    name: 'ui_template_page',
    text: `SELECT * FROM event_templates WHERE (app_id, id) > ($1::bigint, $2::bigint)
           ORDER BY app_id, id LIMIT $3`,
  },
  appTemplates: {
    name: 'ui_app_template_page',
    text: `SELECT * FROM event_templates WHERE app_id = $4 AND (app_id, id) > ($1::bigint, $2::bigint)
           ORDER BY app_id, id LIMIT $3`,
  },
  // A range of the primary key, read no further than the cap.
  sample: {
    name: 'ui_template_sample',
    text: `SELECT count(*)::int AS count,
                  (array_agg(event_id ORDER BY ts DESC, event_id COLLATE "C" DESC))[1] AS event_id
           FROM (SELECT ts, event_id FROM timeline_events WHERE portal_id = $1 AND template_id = $2 LIMIT $3) s`,
  },
  event: {
    name: 'ui_template_sample_event',
    text: 'SELECT * FROM timeline_events WHERE portal_id = $1 AND template_id = $2 AND event_id = $3',
  },
};

export class PostgresUiReads {
  constructor(private readonly sql: Sql) {}

  async recordPropertyTimes(
    portalId: number,
    objectType: ObjectType,
    id: string,
  ): Promise<PropertyTime[] | undefined> {
    if (!CANONICAL_ID.test(id)) return undefined;
    const [row] = await run<RecordRow>(this.sql, S.record, [portalId, objectType, Number(id)]);
    return row && propertyTimesOf(row);
  }

  async listTemplatePage(query: TemplatePageQuery): Promise<TemplatePage> {
    const after = query.after ?? { appId: -1, id: '0' };
    const afterId = CANONICAL_ID.test(after.id) ? Number(after.id) : 0;
    const values = [after.appId, afterId, query.limit + 1];
    const rows =
      query.appId === undefined
        ? await run<TemplateRow>(this.sql, S.templates, values)
        : await run<TemplateRow>(this.sql, S.appTemplates, [...values, query.appId]);
    const templates = rows.slice(0, query.limit).map(templateFromRow);
    const last = templates.at(-1);
    return rows.length > query.limit && last
      ? { templates, next: { appId: last.appId, id: last.id } }
      : { templates };
  }

  async sampleTemplateEvents(
    portalId: number,
    templateId: string,
    cap: number,
  ): Promise<TemplateEventSample> {
    if (!CANONICAL_ID.test(templateId)) return { count: 0 };
    const id = Number(templateId);
    const [found] = await run<{ count: number; event_id: string | null }>(this.sql, S.sample, [
      portalId,
      id,
      cap,
    ]);
    if (!found || found.count === 0 || found.event_id === null) return { count: found?.count ?? 0 };
    const [row] = await run<EventRow>(this.sql, S.event, [portalId, id, found.event_id]);
    return row ? { count: found.count, newest: eventFromRow(row) } : { count: found.count };
  }
}
