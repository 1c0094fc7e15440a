/**
 * Rendering a stored event (v3's `/render` and `/detail`, and every later reader of a timeline): finds the
 * event the token may read, its template and its portal's time zone, and renders the header or the
 * detail with the current version of the template (HubSpot applies template changes to the
 * rendering of existing events). Every render is bounded (src/render/render-budget.ts): one over
 * its bounds is a failure, cached like HTML, that `/render` answers as RENDER_LIMIT_EXCEEDED and a
 * timeline shows in the event's place.
 */
import { ApiError, type DetailCode, type ErrorDetail } from '../errors.js';
import {
  type RenderableEvent,
  type RenderableTemplate,
  type RenderFailure,
  type RenderOutcome,
  type TemplateKind,
  TemplateRenderError,
} from '../render/renderer.js';
import type { EventService } from './events/v3-event-service.js';
import type { Store } from './store.js';
import type { AccessToken, EventTemplate, TimelineEvent } from './types.js';

/**
 * Renders a stored event within its bounds, where it fits (src/render/render-runner.ts: the HTTP
 * thread for small renders, the render thread for the rest), and remembers the outcome.
 */
export interface BoundedRenderer {
  render(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    eventKey: string,
  ): Promise<RenderOutcome>;
  /** A render that is not cached (an event that is not stored). */
  renderOnce(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
  ): Promise<RenderOutcome>;
  close(): Promise<void>;
}

/** A portal with no time zone of its own renders in UTC (*ours*, docs/compatibility.md). */
const DEFAULT_TIME_ZONE = 'UTC';

export class EventRendering {
  /** Bumped when events are removed (a reset): the HTML cached before is never used again. */
  private generation = 0;
  private readonly portalGenerations = new Map<number, number>();

  constructor(
    private readonly store: Store,
    private readonly events: EventService,
    private readonly runner: BoundedRenderer,
  ) {}

  /**
   * The HTML of one event the token may read; EVENT_NOT_FOUND otherwise, RENDER_LIMIT_EXCEEDED
   * (or RENDERING_BUSY) when it cannot be rendered within the bounds.
   */
  async render(
    token: AccessToken,
    eventTemplateId: string,
    eventId: string,
    kind: TemplateKind,
  ): Promise<string> {
    const { event, template } = await this.events.getWithTemplate(token, eventTemplateId, eventId);
    const timeZone = await this.timeZoneOf(token.portalId);
    const outcome = await this.renderWith(token.portalId, template, event, kind, timeZone);
    if (outcome.failure === undefined) return outcome.html;
    throw renderError(outcome.failure, template, event, kind);
  }

  /**
   * The outcome (HTML, or why there is none) of an event of the portal already read, with its
   * template, in that time zone. Cached per event (events never change once stored) and template
   * version (an update bumps it).
   */
  renderWith(
    portalId: number,
    template: EventTemplate,
    event: TimelineEvent,
    kind: TemplateKind,
    timeZone: string,
  ): Promise<RenderOutcome> {
    return this.runner.render(
      renderSource(template),
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
  ): Promise<RenderOutcome> {
    return this.runner.renderOnce(renderSource(template), event, kind, timeZone);
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

  /** Stops the render thread (the server is stopping). */
  close(): Promise<void> {
    return this.runner.close();
  }
}

/** What kind of bound each failure went over (`crashed`: the render thread's memory). */
const DETAIL_CODES: Record<RenderFailure['reason'], DetailCode> = {
  output: 'TOO_LARGE',
  steps: 'TOO_MANY',
  html: 'TOO_LARGE',
  time: 'TIMED_OUT',
  crashed: 'TOO_LARGE',
  busy: 'TOO_MANY',
  template: 'INVALID_TEMPLATE',
};

/**
 * Why a header or detail could not be rendered, as HubSpot's error detail: what `/render` answers
 * in `errors` and a timeline entry carries in `renderErrors`.
 */
export function renderFailureDetail(failure: RenderFailure, kind: TemplateKind): ErrorDetail {
  const field = kind === 'header' ? 'headerTemplate' : 'detailTemplate';
  return { message: `${field} ${failure.message}`, code: DETAIL_CODES[failure.reason], in: field };
}

/** The details of whichever of a timeline entry's renders failed (none: an empty list). */
export function renderFailureDetails(outcomes: {
  header: RenderOutcome;
  detail?: RenderOutcome | undefined;
}): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (outcomes.header.failure) details.push(renderFailureDetail(outcomes.header.failure, 'header'));
  if (outcomes.detail?.failure) details.push(renderFailureDetail(outcomes.detail.failure, 'detail'));
  return details;
}

function renderError(
  failure: RenderFailure,
  template: EventTemplate,
  event: TimelineEvent,
  kind: TemplateKind,
): Error {
  // A stored template that no longer compiles is the server's problem, answered as before (500).
  if (failure.reason === 'template') {
    return new TemplateRenderError(template.id, template.version, kind, failure.message);
  }
  if (failure.reason === 'busy') return new ApiError('RENDERING_BUSY');
  const detail = renderFailureDetail(failure, kind);
  return new ApiError(
    'RENDER_LIMIT_EXCEEDED',
    { id: event.id, eventTemplateId: template.id, field: detail.in ?? '', reason: failure.message },
    { details: [detail] },
  );
}

/** What the renderer needs of a template: its sources, and its id and version to cache by. */
function renderSource(template: EventTemplate) {
  return {
    id: template.id,
    version: template.version,
    headerTemplate: template.headerTemplate ?? '',
    detailTemplate: template.detailTemplate ?? '',
  };
}
