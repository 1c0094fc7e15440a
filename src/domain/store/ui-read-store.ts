/**
 * The shapes of the Store's reads for the web UI (timeline-store.ts declares the methods): when a record's
 * properties were set, templates across apps a page at a time, and a bounded look at a template's
 * events.
 */
import type { EventTemplate, TimelineEvent } from '../types.js';

/** When a record property was last set: epoch ms of the write that changed it, null when not known. */
export interface PropertyTime {
  name: string;
  setAt: number | null;
}

/** Where a page of templates ends: they are ordered by app id, then template id. */
export interface TemplatePosition {
  appId: number;
  id: string;
}

export interface TemplatePageQuery {
  /** One app's templates only. */
  appId?: number;
  after?: TemplatePosition;
  limit: number;
}

export interface TemplatePage {
  templates: EventTemplate[];
  next?: TemplatePosition;
}

/** A portal's events of one template, read no further than a cap (`Store.sampleTemplateEvents`). */
export interface TemplateEventSample {
  /** Events counted, at most the cap: equal to it means at least that many. */
  count: number;
  /** The newest of the events counted, by timestamp: the newest of all when under the cap. */
  newest?: TimelineEvent;
}
