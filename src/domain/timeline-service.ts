/**
 * Reading timelines back (ours, `/_timeline/v1` and `/ui`; HubSpot's v3 API has no read path by
 * record): a record's events newest first, each with its template's name and its header (and
 * detail) rendered exactly as `/render` renders them, and a portal's records by latest activity.
 *
 * What a reader sees follows the one visibility rule (credentials/viewer.ts): an app's token sees
 * its app's events only; a portal's private-app token and the admin see every app's events of the
 * portal, as HubSpot's record page does. Events whose template was deleted are left out, as
 * `GET /events/{templateId}/{eventId}` answers 404 for them.
 */
import { ApiError, type ErrorDetail } from '../errors.js';
import {
  requireAllApps,
  seesAllApps,
  seesDefinitionOf,
  seesEventsOf,
  type Viewer,
} from './credentials/viewer.js';
import { type EventRendering, renderFailureDetails } from './event-rendering.js';
import type { ActivityPage, ActivityPosition, Store, TimelinePosition, TimelineQuery } from './store.js';
import {
  type CrmRecord,
  type EventTemplate,
  isObjectType,
  type ObjectType,
  type TimelineEvent,
} from './types.js';

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

/**
 * *Ours*: when a viewer sees only some of a record's events, a page reads at most this many pages of
 * the record's events to fill itself; past them it ends short, with a cursor to go on from.
 */
const MAX_READS_PER_PAGE = 10;

export class TimelineService {
  constructor(
    private readonly store: Store,
    private readonly rendering: EventRendering,
  ) {}

  /** The record the viewer reads, or CRM_OBJECT_NOT_FOUND. */
  async record(viewer: Viewer, objectType: ObjectType, objectId: string): Promise<CrmRecord> {
    checkObjectType(objectType);
    const record = await this.store.getRecord(viewer.portalId, objectType, objectId);
    if (!record) throw new ApiError('CRM_OBJECT_NOT_FOUND', { id: objectId });
    return record;
  }

  async events(
    viewer: Viewer,
    objectType: ObjectType,
    objectId: string,
    options: TimelineOptions,
  ): Promise<{ entries: TimelineEntry[]; next?: TimelinePosition }> {
    await this.record(viewer, objectType, objectId);
    const { portalId } = viewer;
    const query: TimelineQuery = { portalId, objectType, objectId, limit: options.limit };
    if (options.after) query.after = options.after;
    if (options.eventTemplateId !== undefined) query.eventTemplateId = options.eventTemplateId;
    if (options.since !== undefined) query.since = options.since;
    if (options.until !== undefined) query.until = options.until;
    const timeZone = await this.rendering.timeZoneOf(portalId);
    const templates = new Map<string, Promise<EventTemplate | undefined>>();
    const templateOf = (id: string) => {
      let template = templates.get(id);
      if (!template) {
        template = this.store.getTemplate(id);
        templates.set(id, template);
      }
      return template;
    };
    const entries: TimelineEntry[] = [];
    let next: TimelinePosition | undefined;
    for (let read = 0; read < (seesAllApps(viewer) ? 1 : MAX_READS_PER_PAGE); read++) {
      const page = await this.store.readTimeline({ ...query, limit: options.limit - entries.length });
      for (const event of page.events) {
        const template = await templateOf(event.eventTemplateId);
        if (!template || !seesEventsOf(viewer, template)) continue;
        const header = await this.rendering.renderWith(portalId, template, event, 'header', timeZone);
        const entry: TimelineEntry = { event, template, header: header.html ?? '' };
        const detail = options.detail
          ? await this.rendering.renderWith(portalId, template, event, 'detail', timeZone)
          : undefined;
        if (detail) entry.detail = detail.html ?? '';
        const renderErrors = renderFailureDetails({ header, detail });
        if (renderErrors.length > 0) entry.renderErrors = renderErrors;
        entries.push(entry);
      }
      next = page.next;
      if (!next || entries.length >= options.limit) break;
      query.after = next;
    }
    return next ? { entries, next } : { entries };
  }

  /** A portal's records with events, most recent first: a view of every app's events. */
  async records(viewer: Viewer, objectType: ObjectType, options: RecordsOptions): Promise<ActivityPage> {
    requireAllApps(viewer);
    checkObjectType(objectType);
    const q = options.q?.trim().toLowerCase();
    return this.store.listRecordActivity({
      portalId: viewer.portalId,
      objectType,
      limit: options.limit,
      ...(options.after ? { after: options.after } : {}),
      ...(q ? { q } : {}),
    });
  }

  /** A template whose definition the viewer may see (seesDefinitionOf), or undefined. */
  async template(viewer: Viewer, templateId: string): Promise<EventTemplate | undefined> {
    const template = await this.store.getTemplate(templateId);
    return template && seesDefinitionOf(viewer, template) ? template : undefined;
  }
}

function checkObjectType(objectType: string): void {
  if (!isObjectType(objectType)) throw new ApiError('UNKNOWN_OBJECT_TYPE', { objectType });
}
