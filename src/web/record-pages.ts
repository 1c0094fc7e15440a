/**
 * The records pages: a portal's records by latest activity, and one record's page (its sidebar, the
 * timeline's filters and events), with the events fragment its script polls for new events. The
 * filters' names in the URL are `/_timeline/v1`'s query parameters, parsed by the same domain code.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { seesDefinitionOf } from '../domain/credentials/viewer.js';
import { activityCursor, type TimelineCursors, timelineCursor } from '../domain/cursors.js';
import type { RecordOverview } from '../domain/record-overview.js';
import type { TimelinePosition } from '../domain/store.js';
import {
  isFiltered,
  NO_FILTER,
  parseTimelineFilter,
  type TimeBound,
  type TimelineFilter,
} from '../domain/timeline-filter.js';
import { SCAN_BUDGET, type TimelineEntry, type TimelineResult } from '../domain/timeline-service.js';
import { isObjectType } from '../domain/types.js';
import { ApiError, toErrorBody } from '../errors.js';
import { isSafeFrameUrl } from '../render/safe-urls.js';
import { sendPage, sessionIdOf } from './browser-session.js';
import { recordsView } from './view-records.js';
import { eventsView, recordPageView } from './view-timeline.js';
import type { LinkParams, Viewing, WebContext } from './web-context.js';
import type { WebDeps } from './web-deps.js';
import { timeShower } from './web-time.js';

const TIMELINE_PAGE = 50;
const RECORDS_PAGE = 25;

type Query = Record<string, string | string[] | undefined>;

export function recordLabel(properties: Record<string, string>, id: string): string {
  return properties.email || properties.domain || properties.name || properties.dealname || `Record ${id}`;
}

/** The page's filters as its URL gives them, parsed as the API parses them. */
interface PageFilter {
  filter: TimelineFilter;
  /** The filters to carry into the page's links, as given. */
  params: LinkParams;
  after?: TimelinePosition;
  error?: string;
}

function pageFilter(query: Query, cursors: TimelineCursors): PageFilter {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  let filter = NO_FILTER;
  let error: string | undefined;
  try {
    filter = parseTimelineFilter(query);
  } catch (thrown) {
    if (!(thrown instanceof ApiError)) throw thrown;
    error = thrown.message;
  }
  const params: LinkParams = {
    eventTemplateId: filter.eventTemplateIds,
    since: filter.since?.text,
    until: filter.until?.text,
    q: filter.q === undefined ? undefined : text('q')?.trim(),
  };
  const afterText = text('after');
  const after = afterText === undefined ? undefined : cursors.decode(afterText);
  if (afterText !== undefined && !after) error ??= 'That page of the timeline is not one this server made.';
  return { filter, params, ...(after ? { after } : {}), ...(error ? { error } : {}) };
}

/** A date field shows a date; a bound given with a time (from an API URL) shows as text. */
function dateField(bound: TimeBound | undefined): { type: string; value: string } {
  if (!bound) return { type: 'date', value: '' };
  return bound.kind === 'wall' && bound.dateOnly
    ? { type: 'date', value: bound.text }
    : { type: 'text', value: bound.text };
}

export async function recordPages(app: FastifyInstance, deps: WebDeps, ctx: WebContext): Promise<void> {
  const { timeline } = deps;

  app.get<{ Params: { objectType: string }; Querystring: Query }>(
    '/ui/records/:objectType',
    async (request, reply) => {
      const viewing = await ctx.viewing(request, reply);
      if (!viewing) return reply;
      const { objectType } = request.params;
      if (!isObjectType(objectType))
        return ctx.notFound(request, reply, viewing, `There is no object type ${objectType}.`);
      const q = typeof request.query.q === 'string' ? request.query.q : '';
      const afterText = typeof request.query.after === 'string' ? request.query.after : undefined;
      const after = afterText === undefined ? undefined : activityCursor.decode(afterText);
      const result = await timeline.records(viewing.who.viewer, objectType, {
        limit: RECORDS_PAGE,
        ...(q ? { q } : {}),
        ...(after ? { after } : {}),
      });
      const when = timeShower(viewing.timeZone);
      const records = result.records.map((r) => {
        const last = when(r.lastEventAt);
        return {
          id: r.record.id,
          href: viewing.links.to(`/ui/records/${objectType}/${r.record.id}`),
          label: recordLabel(r.record.properties, r.record.id),
          eventCount: r.eventCount,
          lastEventAt: last.iso,
          lastEventAtText: last.text,
        };
      });
      const next = result.next
        ? viewing.links.to(`/ui/records/${objectType}`, {
            ...(q ? { q } : {}),
            after: activityCursor.encode(result.next),
          })
        : undefined;
      const body = recordsView({ objectType, q, records, next, portalId: viewing.links.portalId });
      return ctx.send(request, reply, viewing, {
        title: objectType,
        body,
        section: { kind: 'records', objectType },
      });
    },
  );

  /** The events part of a record's page: what the page shows and its script fetches again. */
  async function eventsPart(viewing: Viewing, objectType: string, objectId: string, given: PageFilter) {
    const { viewer } = viewing.who;
    const result: TimelineResult = await timeline.events(viewer, objectType, objectId, {
      limit: TIMELINE_PAGE,
      detail: true,
      filter: given.filter,
      ...(given.after ? { after: given.after } : {}),
    });
    const selfPath = `/ui/records/${objectType}/${objectId}`;
    const first = result.entries[0]?.event;
    const html = eventsView({
      days: dayGroups(viewing, result.entries),
      filtered: isFiltered(given.filter),
      searched: result.searched && {
        examined: result.searched.examined,
        ...timeShower(viewing.timeZone)(result.searched.through),
      },
      olderHref: result.next
        ? viewing.links.to(selfPath, {
            ...given.params,
            after: timeline.cursors.encode(result.next, result.nextSealed === true),
          })
        : undefined,
      newestHref: given.after ? viewing.links.to(selfPath, given.params) : undefined,
    });
    const top = first
      ? timelineCursor.encode({
          timestamp: first.timestamp,
          id: first.id,
          eventTemplateId: first.eventTemplateId,
        })
      : '';
    return { html, top, result };
  }

  /**
   * The key of the record's newest event the viewer sees, whatever the filters: one event read. The
   * page's script sends it back, and while it is still the newest the poll answers 204 at that cost.
   */
  async function newestKey(viewing: Viewing, objectType: string, objectId: string): Promise<string> {
    const newest = await timeline.events(viewing.who.viewer, objectType, objectId, {
      limit: 1,
      detail: false,
    });
    const event = newest.entries[0]?.event;
    return event
      ? timelineCursor.encode({
          timestamp: event.timestamp,
          id: event.id,
          eventTemplateId: event.eventTemplateId,
        })
      : '';
  }

  /** Events grouped by their day in the portal's time zone, newest first. */
  function dayGroups(viewing: Viewing, entries: TimelineEntry[]) {
    const { timeZone, links } = viewing;
    const day = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const dayLabel = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'full' });
    const timeLabel = new Intl.DateTimeFormat('en-US', { timeZone, timeStyle: 'short' });
    const days: { date: string; label: string; events: unknown[] }[] = [];
    for (const entry of entries) {
      const { event, template } = entry;
      const date = day.format(event.timestamp);
      let group = days.at(-1);
      if (group?.date !== date) {
        group = { date, label: dayLabel.format(event.timestamp), events: [] };
        days.push(group);
      }
      const frame = event.timelineIFrame;
      group.events.push({
        key: `${event.eventTemplateId}-${event.id}`,
        templateName: template.name,
        templateHref: seesDefinitionOf(viewing.who.viewer, template)
          ? links.to(`/ui/templates/${template.id}`)
          : undefined,
        timestamp: new Date(event.timestamp).toISOString(),
        time: timeLabel.format(event.timestamp),
        header: entry.header,
        detail: entry.detail,
        // A render over its bounds shows as a placeholder; the page and the other events still show.
        headerError: entry.renderErrors?.find((error) => error.in === 'headerTemplate')?.message,
        detailError: entry.renderErrors?.find((error) => error.in === 'detailTemplate')?.message,
        iframe: frame && isSafeFrameUrl(frame.url) ? frame : undefined,
      });
    }
    return days;
  }

  function sidebar(viewing: Viewing, overview: RecordOverview) {
    const when = timeShower(viewing.timeZone);
    return overview.properties.map((property) => ({
      name: property.name,
      value: property.value,
      setAt: property.setAt === null ? undefined : when(property.setAt),
      stampedBy: property.stampedBy.map((stamp) => ({
        ...stamp,
        href: viewing.links.to(`/ui/templates/${stamp.templateId}`),
      })),
    }));
  }

  /** The templates a record's filter offers: the viewer's of that type, those on the page, those chosen. */
  async function filterChoices(
    viewing: Viewing,
    overview: RecordOverview,
    given: PageFilter,
    entries: TimelineEntry[],
  ) {
    const { viewer } = viewing.who;
    const choices = new Map<string, string>();
    for (const template of overview.templates) choices.set(template.id, template.name);
    for (const { template } of entries) choices.set(template.id, template.name);
    const chosen = given.filter.eventTemplateIds;
    const named = await timeline.templateNames(
      viewer,
      chosen.filter((id) => !choices.has(id)),
    );
    for (const id of chosen) if (!choices.has(id)) choices.set(id, named.get(id) ?? `Template ${id}`);
    return [...choices]
      .map(([id, name]) => ({ id, name, checked: chosen.includes(id) }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  app.get<{ Params: { objectType: string; objectId: string }; Querystring: Query }>(
    '/ui/records/:objectType/:objectId',
    async (request, reply) => {
      const viewing = await ctx.viewing(request, reply);
      if (!viewing) return reply;
      const { objectType, objectId } = request.params;
      const overview = isObjectType(objectType)
        ? await deps.records.overview(viewing.who.viewer, objectType, objectId).catch(notFoundOnly)
        : undefined;
      if (!overview)
        return ctx.notFound(request, reply, viewing, `No ${objectType} record ${objectId} in this portal.`);
      const given = pageFilter(request.query, timeline.cursors);
      let events: Awaited<ReturnType<typeof eventsPart>> | undefined;
      try {
        if (!given.error) events = await eventsPart(viewing, objectType, objectId, given);
      } catch (thrown) {
        if (!(thrown instanceof ApiError && thrown.code === 'INVALID_INPUT')) throw thrown;
        given.error = thrown.message;
      }
      const { links, timeZone } = viewing;
      const selfPath = `/ui/records/${objectType}/${objectId}`;
      const label = recordLabel(overview.record.properties, objectId);
      const when = timeShower(timeZone);
      const pollParams = { ...given.params };
      const body = recordPageView({
        objectType,
        objectId,
        label,
        backHref: links.to(`/ui/records/${objectType}`),
        created: when(overview.record.createdAt),
        updated: when(overview.record.updatedAt),
        properties: sidebar(viewing, overview),
        selfPath,
        portalId: links.portalId,
        templates: await filterChoices(viewing, overview, given, events?.result.entries ?? []),
        since: dateField(given.filter.since),
        until: dateField(given.filter.until),
        q: typeof given.params.q === 'string' ? given.params.q : '',
        filtered: isFiltered(given.filter),
        clearHref: links.to(selfPath),
        timeZone,
        budget: SCAN_BUDGET.toLocaleString('en-US'),
        error: given.error,
        eventsHtml: events?.html ?? '',
        top: events?.top ?? '',
        seen: events && !given.after ? await newestKey(viewing, objectType, objectId) : '',
        // Only the newest page follows new events: an older page stays as it is.
        pollHref: events && !given.after ? links.to(`${selfPath}/events-fragment`, pollParams) : undefined,
      });
      return ctx.send(request, reply, viewing, {
        title: label,
        body,
        section: { kind: 'records', objectType },
        status: given.error ? 400 : 200,
      });
    },
  );

  // Fetched by the record page's script (app.js) so new events appear without a reload.
  app.get<{ Params: { objectType: string; objectId: string }; Querystring: Query }>(
    '/ui/records/:objectType/:objectId/events-fragment',
    async (request, reply) => fragment(request, reply),
  );

  async function fragment(
    request: FastifyRequest<{ Params: { objectType: string; objectId: string }; Querystring: Query }>,
    reply: FastifyReply,
  ) {
    const raw = request.query.portalId;
    const portalId = typeof raw === 'string' && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined;
    const who = await deps.sessions.find(sessionIdOf(request), portalId);
    // Fetched by the page's script, not shown: its failures answer HubSpot's envelope.
    if (!who) return reply.code(401).send(toErrorBody(new ApiError('MISSING_CREDENTIALS'), request.id));
    const given = pageFilter(request.query, timeline.cursors);
    if (given.error)
      return reply
        .code(400)
        .send(toErrorBody(new ApiError('INVALID_INPUT', { detail: given.error }), request.id));
    const viewing = await ctx.viewingOf(who);
    const { objectType, objectId } = request.params;
    const seen = await newestKey(viewing, objectType, objectId);
    if (typeof request.query.seen === 'string' && request.query.seen === seen) return reply.code(204).send();
    const events = await eventsPart(viewing, objectType, objectId, given);
    return sendPage(reply.header('x-timeline-top', events.top).header('x-timeline-seen', seen), events.html);
  }
}

/** A record the viewer may not read is "not found"; any other failure is the server's. */
function notFoundOnly(error: unknown): undefined {
  if (
    error instanceof ApiError &&
    (error.code === 'CRM_OBJECT_NOT_FOUND' || error.code === 'UNKNOWN_OBJECT_TYPE')
  )
    return undefined;
  throw error;
}
