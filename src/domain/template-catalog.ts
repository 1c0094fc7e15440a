/**
 * The event templates a viewer may read the definitions of (credentials/viewer.ts
 * `seesDefinitionOf`: the admin every app's, a token its own app's), with what the viewer's portal
 * holds of each one's events, and a preview rendered by the same renderer as stored events.
 *
 * Counting a template's events reads the store's key range no further than a cap: a template with
 * millions of events costs a page no more than one with the cap.
 */
import { seesDefinitionOf, type Viewer } from './credentials/viewer.js';
import type { EventRendering } from './event-rendering.js';
import type { Store, TemplatePosition } from './store.js';
import type { EventTemplate, ObjectType, TimelineEvent } from './types.js';

/** *Ours*: a template's events are counted up to this many (then shown as "10,000 or more"). */
export const TEMPLATE_EVENT_COUNT_CAP = 10_000;
/** *Ours*: the most templates a record page offers as filters and reads stamping rules from. */
const MAX_DEFINITIONS = 200;

export interface TemplateEvents {
  /** Events counted, at most TEMPLATE_EVENT_COUNT_CAP. */
  count: number;
  /** Whether the count stopped at the cap. */
  capped: boolean;
  /** The newest of those counted (the newest of all when not capped). */
  newest?: TimelineEvent;
}

export interface TemplateSummary {
  template: EventTemplate;
  events: TemplateEvents;
}

export interface TemplateListPage {
  apps: { appId: number; templates: TemplateSummary[] }[];
  next?: TemplatePosition;
}

export class TemplateCatalog {
  constructor(
    private readonly store: Store,
    private readonly rendering: EventRendering,
  ) {}

  /** A page of the templates the viewer sees the definitions of, grouped by app. */
  async list(viewer: Viewer, limit: number, after?: TemplatePosition): Promise<TemplateListPage> {
    const page = await this.store.listTemplatePage({
      limit,
      ...(viewer.kind === 'admin' ? {} : { appId: viewer.appId }),
      ...(after ? { after } : {}),
    });
    const summaries = await Promise.all(
      page.templates
        .filter((template) => seesDefinitionOf(viewer, template))
        .map(async (template) => ({ template, events: await this.events(viewer, template) })),
    );
    const apps: TemplateListPage['apps'] = [];
    for (const summary of summaries) {
      let app = apps.at(-1);
      if (app?.appId !== summary.template.appId) {
        app = { appId: summary.template.appId, templates: [] };
        apps.push(app);
      }
      app.templates.push(summary);
    }
    return page.next ? { apps, next: page.next } : { apps };
  }

  /** The template, when the viewer may read its definition. */
  async template(viewer: Viewer, templateId: string): Promise<EventTemplate | undefined> {
    const template = await this.store.getTemplate(templateId);
    return template && seesDefinitionOf(viewer, template) ? template : undefined;
  }

  /** The viewer's portal's events of a template it may see. */
  async events(viewer: Viewer, template: EventTemplate): Promise<TemplateEvents> {
    const sample = await this.store.sampleTemplateEvents(
      viewer.portalId,
      template.id,
      TEMPLATE_EVENT_COUNT_CAP,
    );
    const events: TemplateEvents = { count: sample.count, capped: sample.count >= TEMPLATE_EVENT_COUNT_CAP };
    if (sample.newest) events.newest = sample.newest;
    return events;
  }

  /**
   * The templates of an object type whose definitions the viewer sees (the first MAX_DEFINITIONS
   * by app and id): what a record page offers as filters, and where its stamped properties come from.
   */
  async definitions(viewer: Viewer, objectType: ObjectType): Promise<EventTemplate[]> {
    const found: EventTemplate[] = [];
    let after: TemplatePosition | undefined;
    // Bounded: MAX_DEFINITIONS templates read at most, a page at a time.
    for (let read = 0; read < MAX_DEFINITIONS; read += 100) {
      const page = await this.store.listTemplatePage({
        limit: 100,
        ...(viewer.kind === 'admin' ? {} : { appId: viewer.appId }),
        ...(after ? { after } : {}),
      });
      for (const template of page.templates)
        if (template.objectType === objectType && seesDefinitionOf(viewer, template)) found.push(template);
      if (!page.next) break;
      after = page.next;
    }
    return found;
  }

  async timeZoneOf(viewer: Viewer): Promise<string> {
    return this.rendering.timeZoneOf(viewer.portalId);
  }
}
