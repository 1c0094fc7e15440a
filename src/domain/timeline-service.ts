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
import { TimelineCursors } from './cursors.js';
import { type EventRendering, renderFailureDetails } from './event-rendering.js';
import type { ActivityPage, ActivityPosition, Store, TimelinePosition } from './store.js';
import { MAX_TEMPLATE_FILTERS, NO_FILTER, type TimelineFilter, timeRange } from './timeline-filter.js';
import { matchesText, scan, TimelineStream } from './timeline-scan.js';
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
  filter?: TimelineFilter;
  detail: boolean;
}

export interface TimelineResult {
  entries: TimelineEntry[];
  next?: TimelinePosition;
  /**
   * Whether `next` is the position of an event the viewer may not see: its cursor is then sealed
   * (`TimelineCursors`), so it does not tell that event's id, template and time.
   */
  nextSealed?: boolean;
  /**
   * Set when the page ended on its read budget before it was full (a search, or a viewer who sees
   * part of the record): how many events it examined, and the time of the last one.
   */
  searched?: { examined: number; through: number };
}

export interface RecordsOptions {
  limit: number;
  after?: ActivityPosition;
  q?: string;
}

/**
 * *Ours*: the most events one page of a timeline examines when it filters beyond what the store
 * does (a text search; a viewer who sees only some apps' events; events of deleted templates). A
 * page that runs out of them ends short, with a cursor to go on from.
 */
export const SCAN_BUDGET = 1_000;
/** Events read at a time while most are being skipped. */
const SCAN_CHUNK = 100;

export class TimelineService {
  /** The cursors of record timelines as readers receive them. */
  readonly cursors: TimelineCursors;

  constructor(
    private readonly store: Store,
    private readonly rendering: EventRendering,
    /** What the key of sealed cursors is made from (the admin token's hash). */
    cursorSecret: string,
  ) {
    this.cursors = new TimelineCursors(cursorSecret);
  }

  /** The record the viewer reads, or CRM_OBJECT_NOT_FOUND. */
  async record(viewer: Viewer, objectType: ObjectType, objectId: string): Promise<CrmRecord> {
    checkObjectType(objectType);
    const record = await this.store.getRecord(viewer.portalId, objectType, objectId);
    if (!record) throw new ApiError('CRM_OBJECT_NOT_FOUND', { id: objectId });
    return record;
  }

  /**
   * A page of the record's events the viewer sees, newest first, filtered. Templates named in the
   * filter are read one store query each and merged; the text search and the visibility rule are
   * applied here, examining at most SCAN_BUDGET events a page.
   */
  async events(
    viewer: Viewer,
    objectType: ObjectType,
    objectId: string,
    options: TimelineOptions,
  ): Promise<TimelineResult> {
    await this.record(viewer, objectType, objectId);
    const { portalId } = viewer;
    const filter = options.filter ?? NO_FILTER;
    const timeZone = await this.rendering.timeZoneOf(portalId);
    const range = timeRange(filter, timeZone);
    const templates = new Map<string, Promise<EventTemplate | undefined>>();
    const templateOf = (id: string) => {
      let template = templates.get(id);
      if (!template) {
        template = this.store.getTemplate(id);
        templates.set(id, template);
      }
      return template;
    };
    // A template whose events the viewer may not see is not read at all.
    const templateIds: string[] = [];
    for (const id of filter.eventTemplateIds) {
      const template = await templateOf(id);
      if (template && seesEventsOf(viewer, template)) templateIds.push(id);
    }
    if (filter.eventTemplateIds.length > 0 && templateIds.length === 0) return { entries: [] };
    const stream = new TimelineStream(
      this.store,
      { portalId, objectType, objectId, ...range },
      templateIds,
      options.after,
    );
    const { q } = filter;
    const accept = async (event: TimelineEvent): Promise<TimelineEntry | undefined> => {
      const template = await templateOf(event.eventTemplateId);
      if (!template || !seesEventsOf(viewer, template)) return undefined;
      const header = await this.rendering.renderWith(portalId, template, event, 'header', timeZone);
      if (q !== undefined && !matchesText(q, event, header.html ?? '')) return undefined;
      const entry: TimelineEntry = { event, template, header: header.html ?? '' };
      const detail = options.detail
        ? await this.rendering.renderWith(portalId, template, event, 'detail', timeZone)
        : undefined;
      if (detail) entry.detail = detail.html ?? '';
      // A render over its bounds fails alone: the entry says why, the page goes on.
      const renderErrors = renderFailureDetails({ header, detail });
      if (renderErrors.length > 0) entry.renderErrors = renderErrors;
      return entry;
    };
    const skipsMany = q !== undefined || !seesAllApps(viewer);
    const result = await scan(stream, accept, {
      limit: options.limit,
      budget: Math.max(SCAN_BUDGET, options.limit),
      chunk: (wanted) => (skipsMany ? Math.max(wanted, SCAN_CHUNK) : wanted),
    });
    const page: TimelineResult = { entries: result.entries };
    if (result.next) {
      page.next = result.next;
      // A page that skipped what the viewer may not see can end on such an event.
      const last = await templateOf(result.next.eventTemplateId);
      if (last ? !seesEventsOf(viewer, last) : !seesAllApps(viewer)) page.nextSealed = true;
    }
    if (result.lastExamined)
      page.searched = { examined: result.examined, through: result.lastExamined.timestamp };
    return page;
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

  /**
   * The names of the templates whose events the viewer sees (names every event of theirs shows), for
   * a filter naming them; the others are left out.
   */
  async templateNames(viewer: Viewer, ids: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of ids.slice(0, MAX_TEMPLATE_FILTERS)) {
      const template = await this.store.getTemplate(id);
      if (template && seesEventsOf(viewer, template)) names.set(id, template.name);
    }
    return names;
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
