/**
 * Reading a record's timeline and the records that have one, and the web UI's reads (their shapes in
 * ui-read-store.ts).
 */
import type { CrmRecord, ObjectType, TimelineEvent } from '../types.js';
import type { PropertyTime, TemplateEventSample, TemplatePage, TemplatePageQuery } from './ui-read-store.js';

/** Where a timeline page ends: events are ordered by timestamp, then id, then template id, all descending. */
export interface TimelinePosition {
  timestamp: number;
  id: string;
  eventTemplateId: string;
}

export interface TimelineQuery {
  portalId: number;
  objectType: ObjectType;
  objectId: string;
  limit: number;
  /** Only events strictly after this position (older, in the newest-first order). */
  after?: TimelinePosition;
  eventTemplateId?: string;
  /** Inclusive bounds on the event timestamp, epoch ms. */
  since?: number;
  until?: number;
}

export interface TimelinePage {
  events: TimelineEvent[];
  /** The position to continue after, absent on the last page. */
  next?: TimelinePosition;
}

/** A record with events: how many, and the newest event timestamp. */
export interface RecordActivity {
  record: CrmRecord;
  eventCount: number;
  lastEventAt: number;
}

/** Where a page of records ends: ordered by last event timestamp, then record id, both descending. */
export interface ActivityPosition {
  lastEventAt: number;
  objectId: string;
}

export interface ActivityQuery {
  portalId: number;
  objectType: ObjectType;
  limit: number;
  after?: ActivityPosition;
  /** Lower-cased search: an id prefix, an email prefix, an email's domain prefix or a domain prefix. */
  q?: string;
}

export interface ActivityPage {
  records: RecordActivity[];
  next?: ActivityPosition;
}

/**
 * Whether a record matches a records search `q` (already lower-cased): the one definition both
 * adapters apply. Their indexes hold the same rule as keys and ranges (`record-search.ts`); SQLite
 * applies this function itself to records whose events are not indexed yet.
 */
export function matchesRecordSearch(q: string, id: string, properties: Record<string, string>): boolean {
  if (id.startsWith(q)) return true;
  const email = properties.email?.trim().toLowerCase();
  if (email !== undefined && (email.startsWith(q) || email.slice(email.indexOf('@') + 1).startsWith(q)))
    return true;
  const domain = properties.domain?.trim().toLowerCase();
  return domain?.startsWith(q) === true;
}

export interface TimelineStore {
  /**
   * A record's events, newest first (timestamp, then id, then template id, descending). Sees every
   * event whose write was acknowledged; a position stays valid while events are added.
   */
  readTimeline(query: TimelineQuery): Promise<TimelinePage>;
  /** A portal's records of one type that have events, most recent event first. */
  listRecordActivity(query: ActivityQuery): Promise<ActivityPage>;

  // The web UI's reads
  /**
   * When each property of the record was last set (PropertyTime), in no particular order; undefined
   * when there is no such record. A write that leaves a value as it was does not set it again.
   */
  recordPropertyTimes(
    portalId: number,
    objectType: ObjectType,
    id: string,
  ): Promise<PropertyTime[] | undefined>;
  /** Templates of every app (or of `appId`), by app id then template id. */
  listTemplatePage(query: TemplatePageQuery): Promise<TemplatePage>;
  /**
   * The portal's events of the template, counted up to `cap` (read in the store's own order, not
   * by time, and no further), with the newest of those counted.
   */
  sampleTemplateEvents(portalId: number, templateId: string, cap: number): Promise<TemplateEventSample>;
}
