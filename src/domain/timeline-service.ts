/**
 * Reading timelines back (ours, `/_timeline/v1` and `/ui`; HubSpot's v3 API has no read path by
 * record): a record's events newest first, each with its template's name and its header (and
 * detail) rendered exactly as `/render` renders them, and a portal's records by latest activity.
 *
 * *Ours*: a record's timeline shows the events of every app in the portal (HubSpot's record page
 * does), not only the caller's app; events whose template was deleted are left out, as
 * `GET /events/{templateId}/{eventId}` answers 404 for them.
 */
import { ApiError, type ErrorDetail } from '../errors.js';
import { type EventRendering, renderFailureDetails } from './event-rendering.js';
import type { ActivityPage, ActivityPosition, Store, TimelinePosition, TimelineQuery } from './store.js';
import { type EventTemplate, isObjectType, type ObjectType, type TimelineEvent } from './types.js';

export interface TimelineEntry {
  event: TimelineEvent;
  template: EventTemplate;
  header: string;
  detail?: string;
  /** Why the header or detail could not be rendered (its HTML is then ''): the rest still shows. */
  renderErrors?: ErrorDetail[];
}

export interface TimelineOptions {
  limit: number;
  after?: TimelinePosition;
  eventTemplateId?: string;
  since?: number;
  until?: number;
  detail: boolean;
}

export interface RecordsOptions {
  limit: number;
  after?: ActivityPosition;
  q?: string;
}

export class TimelineService {
  constructor(
    private readonly store: Store,
    private readonly rendering: EventRendering,
  ) {}

  async events(
    portalId: number,
    objectType: ObjectType,
    objectId: string,
    options: TimelineOptions,
  ): Promise<{ entries: TimelineEntry[]; next?: TimelinePosition }> {
    checkObjectType(objectType);
    if (!(await this.store.getRecord(portalId, objectType, objectId)))
      throw new ApiError('CRM_OBJECT_NOT_FOUND', { id: objectId });
    const query: TimelineQuery = { portalId, objectType, objectId, limit: options.limit };
    if (options.after) query.after = options.after;
    if (options.eventTemplateId !== undefined) query.eventTemplateId = options.eventTemplateId;
    if (options.since !== undefined) query.since = options.since;
    if (options.until !== undefined) query.until = options.until;
    const [page, timeZone] = await Promise.all([
      this.store.readTimeline(query),
      this.rendering.timeZoneOf(portalId),
    ]);
    const templates = new Map<string, Promise<EventTemplate | undefined>>();
    const entries: TimelineEntry[] = [];
    for (const event of page.events) {
      let template = templates.get(event.eventTemplateId);
      if (!template) {
        template = this.store.getTemplate(event.eventTemplateId);
        templates.set(event.eventTemplateId, template);
      }
      const found = await template;
      if (!found) continue;
      const header = await this.rendering.renderWith(portalId, found, event, 'header', timeZone);
      const entry: TimelineEntry = { event, template: found, header: header.html ?? '' };
      const detail = options.detail
        ? await this.rendering.renderWith(portalId, found, event, 'detail', timeZone)
        : undefined;
      if (detail) entry.detail = detail.html ?? '';
      const renderErrors = renderFailureDetails({ header, detail });
      if (renderErrors.length > 0) entry.renderErrors = renderErrors;
      entries.push(entry);
    }
    return page.next ? { entries, next: page.next } : { entries };
  }

  async records(portalId: number, objectType: ObjectType, options: RecordsOptions): Promise<ActivityPage> {
    checkObjectType(objectType);
    const q = options.q?.trim().toLowerCase();
    return this.store.listRecordActivity({
      portalId,
      objectType,
      limit: options.limit,
      ...(options.after ? { after: options.after } : {}),
      ...(q ? { q } : {}),
    });
  }
}

function checkObjectType(objectType: string): void {
  if (!isObjectType(objectType)) throw new ApiError('UNKNOWN_OBJECT_TYPE', { objectType });
}
