/**
 * Rendering a stored event (operations 4 and 5, and every later reader of a timeline): finds the
 * event the token may read, its template and its portal's time zone, and renders the header or the
 * detail with the current version of the template (HubSpot applies template changes to the
 * rendering of existing events).
 */
import type { Renderer, TemplateKind } from '../render/renderer.js';
import type { EventService } from './events/v3-event-service.js';
import type { Store } from './store.js';
import type { AccessToken, EventTemplate, TimelineEvent } from './types.js';

/** A portal with no time zone of its own renders in UTC (*ours*, docs/compatibility.md). */
const DEFAULT_TIME_ZONE = 'UTC';

export class EventRendering {
  /** Bumped when events are removed (a reset): the HTML cached before is never used again. */
  private generation = 0;
  private readonly portalGenerations = new Map<number, number>();

  constructor(
    private readonly store: Store,
    private readonly events: EventService,
    private readonly renderer: Renderer,
  ) {}

  /** The HTML of one event the token may read; EVENT_NOT_FOUND otherwise. */
  async render(
    token: AccessToken,
    eventTemplateId: string,
    eventId: string,
    kind: TemplateKind,
  ): Promise<string> {
    const { event, template } = await this.events.getWithTemplate(token, eventTemplateId, eventId);
    return this.renderWith(token.portalId, template, event, kind, await this.timeZoneOf(token.portalId));
  }

  /**
   * The HTML of an event of the portal already read, with its template, in that time zone. Cached
   * per event (events never change once stored) and template version (an update bumps it).
   */
  renderWith(
    portalId: number,
    template: EventTemplate,
    event: TimelineEvent,
    kind: TemplateKind,
    timeZone: string,
  ): string {
    return this.renderer.render(
      {
        id: template.id,
        version: template.version,
        headerTemplate: template.headerTemplate ?? '',
        detailTemplate: template.detailTemplate ?? '',
      },
      event,
      kind,
      timeZone,
      // The event's creation time too: an event removed and sent again with the same id (by
      // another process sharing the database) is another event.
      `${this.generation}.${this.portalGenerations.get(portalId) ?? 0}\u0000${portalId}\u0000${template.id}\u0000${event.id}\u0000${event.createdAt}`,
    );
  }

  /**
   * The HTML of an event that is not stored (a template's preview, from values someone typed):
   * rendered afresh each time, never cached, by the same renderer as stored events.
   */
  renderUnstored(
    template: EventTemplate,
    event: Pick<TimelineEvent, 'tokens' | 'timestamp' | 'extraData'>,
    kind: TemplateKind,
    timeZone: string,
  ): string {
    return this.renderer.render(
      {
        id: template.id,
        version: template.version,
        headerTemplate: template.headerTemplate ?? '',
        detailTemplate: template.detailTemplate ?? '',
      },
      event,
      kind,
      timeZone,
    );
  }

  /** Events were removed (all portals', or one's): their rendered HTML must not be shown again. */
  forgetEvents(portalId?: number): void {
    if (portalId === undefined) {
      this.generation += 1;
      this.portalGenerations.clear();
    } else this.portalGenerations.set(portalId, (this.portalGenerations.get(portalId) ?? 0) + 1);
  }

  async timeZoneOf(portalId: number): Promise<string> {
    return (await this.store.getPortal(portalId))?.timeZone ?? DEFAULT_TIME_ZONE;
  }
}
