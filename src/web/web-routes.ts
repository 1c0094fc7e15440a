/**
 * The web UI under `/ui`: server-rendered pages over the same domain services and renderer as the
 * API. Sign-in takes the admin token (with the portals to open) or a portal's private-app token;
 * the browser keeps only a session id (browser-session.ts), and every request asks the domain
 * again who that is (credentials/ui-sessions.ts) and what it may see (credentials/viewer.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SignedIn, SignInRefused } from '../domain/credentials/ui-sessions.js';
import { activityCursor, timelineCursor } from '../domain/cursors.js';
import type { TimelineEntry } from '../domain/timeline-service.js';
import { isObjectType } from '../domain/types.js';
import { ApiError, toErrorBody } from '../errors.js';
import { isSafeFrameUrl } from '../render/safe-urls.js';
import {
  clearSessionCookie,
  csrfToken,
  formFields,
  postIsOurs,
  sendPage,
  sessionIdOf,
  setSessionCookie,
} from './browser-session.js';
import { WEB_ASSETS } from './web-assets.js';
import type { WebDeps } from './web-deps.js';
import { page, views } from './web-views.js';

const TIMELINE_PAGE = 50;
const RECORDS_PAGE = 25;

function recordLabel(properties: Record<string, string>, id: string): string {
  return properties.email || properties.domain || properties.name || properties.dealname || `Record ${id}`;
}

/** Where to go after signing in: a path of this server only (never another site). */
function nextPath(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])/.test(next) ? next : '/ui/records/contacts';
}

/** Events grouped by their day in the portal's time zone, newest first. */
function eventsView(entries: TimelineEntry[], timeZone: string, more: boolean) {
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
      templateId: template.id,
      templateName: template.name,
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
  return views.events({ days, more, shown: entries.length });
}

export async function webRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { sessions, timeline, rendering } = deps;
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  /** Who is signed in, looking at the `?portalId=` of the page (one of the session's). */
  const signedIn = (request: FastifyRequest): Promise<SignedIn | undefined> => {
    const raw = (request.query as { portalId?: unknown } | undefined)?.portalId;
    const portalId = typeof raw === 'string' && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined;
    return sessions.find(sessionIdOf(request), portalId);
  };

  const signIn = (reply: FastifyReply) => reply.redirect('/ui', 303);
  const render = (
    request: FastifyRequest,
    reply: FastifyReply,
    options: Omit<Parameters<typeof page>[0], 'csrf'>,
    status = 200,
  ) => sendPage(reply, page({ ...options, csrf: csrfToken(request, reply) }), status);
  const notFound = (request: FastifyRequest, reply: FastifyReply, message: string) =>
    render(
      request,
      reply,
      { title: 'Not found', signedIn: true, body: views.error({ title: 'Not found', message }) },
      404,
    );
  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: Record<string, unknown>,
    status = 200,
  ) =>
    render(
      request,
      reply,
      {
        title: 'Sign in',
        signedIn: false,
        body: views.login({ ...fields, csrf: csrfToken(request, reply) }),
      },
      status,
    );

  for (const [name, asset] of Object.entries(WEB_ASSETS)) {
    app.get(`/ui/assets/${name}`, (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body),
    );
  }

  app.get<{ Querystring: { next?: string } }>('/ui', async (request, reply) =>
    loginPage(request, reply, { next: typeof request.query.next === 'string' ? request.query.next : '' }),
  );

  app.post('/ui/login', async (request, reply) => {
    const fields = formFields(request.body);
    const token = (fields.token ?? '').trim();
    const portalText = (fields.portalId ?? '').trim();
    const shown = { portalId: portalText, next: fields.next ?? '' };
    if (!postIsOurs(request, fields.csrf))
      return loginPage(request, reply, { ...shown, error: 'This form expired: sign in again.' }, 403);
    const portalIds = portalText
      .split(/[\s,]+/)
      .filter((part) => part !== '')
      .map((part) => (/^[1-9]\d{0,14}$/.test(part) ? Number(part) : Number.NaN));
    if (portalIds.some(Number.isNaN))
      return loginPage(request, reply, { ...shown, error: 'Portal ids are whole numbers.' }, 401);
    try {
      setSessionCookie(request, reply, await sessions.signIn(token, portalIds));
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      return loginPage(request, reply, { ...shown, error: error.message }, 401);
    }
    return reply.redirect(nextPath(fields.next), 303);
  });

  app.post('/ui/logout', async (request, reply) => {
    if (postIsOurs(request, formFields(request.body).csrf)) await sessions.signOut(sessionIdOf(request));
    clearSessionCookie(request, reply);
    return signIn(reply);
  });

  app.get<{ Params: { objectType: string }; Querystring: { q?: string; after?: string } }>(
    '/ui/records/:objectType',
    async (request, reply) => {
      const who = await signedIn(request);
      if (!who) return signIn(reply);
      const { objectType } = request.params;
      if (!isObjectType(objectType))
        return notFound(request, reply, `There is no object type ${objectType}.`);
      const q = typeof request.query.q === 'string' ? request.query.q : '';
      const after =
        typeof request.query.after === 'string' ? activityCursor.decode(request.query.after) : undefined;
      const result = await timeline.records(who.viewer, objectType, {
        limit: RECORDS_PAGE,
        ...(q ? { q } : {}),
        ...(after ? { after } : {}),
      });
      const timeZone = await rendering.timeZoneOf(who.viewer.portalId);
      const when = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
      const records = result.records.map((r) => ({
        id: r.record.id,
        label: recordLabel(r.record.properties, r.record.id),
        eventCount: r.eventCount,
        lastEventAt: new Date(r.lastEventAt).toISOString(),
        lastEventAtText: when.format(r.lastEventAt),
      }));
      const next = result.next
        ? new URLSearchParams({ ...(q ? { q } : {}), after: activityCursor.encode(result.next) }).toString()
        : undefined;
      const body = views.records({ objectType, q, records, next });
      return render(request, reply, { title: objectType, signedIn: true, objectType, body });
    },
  );

  /** The newest events of a record as HTML, and the key of the newest (to tell when it changed). */
  async function recordEvents(who: SignedIn, objectType: string, objectId: string) {
    const result = await timeline.events(who.viewer, objectType, objectId, {
      limit: TIMELINE_PAGE,
      detail: true,
    });
    const timeZone = await rendering.timeZoneOf(who.viewer.portalId);
    const first = result.entries[0]?.event;
    const top = first
      ? timelineCursor.encode({
          timestamp: first.timestamp,
          id: first.id,
          eventTemplateId: first.eventTemplateId,
        })
      : '';
    return { html: eventsView(result.entries, timeZone, result.next !== undefined), top };
  }

  app.get<{ Params: { objectType: string; objectId: string } }>(
    '/ui/records/:objectType/:objectId',
    async (request, reply) => {
      const who = await signedIn(request);
      if (!who) return signIn(reply);
      const { objectType, objectId } = request.params;
      const record = isObjectType(objectType)
        ? await timeline.record(who.viewer, objectType, objectId).catch(() => undefined)
        : undefined;
      if (!record) return notFound(request, reply, `No ${objectType} record ${objectId} in this portal.`);
      const events = await recordEvents(who, objectType, objectId);
      const label = recordLabel(record.properties, record.id);
      const body = views.timeline({ objectType, objectId, label, eventsHtml: events.html, top: events.top });
      return render(request, reply, { title: label, signedIn: true, objectType, body });
    },
  );

  // Polled by the open timeline page (app.js) so new events appear without a reload.
  app.get<{ Params: { objectType: string; objectId: string } }>(
    '/ui/records/:objectType/:objectId/events-fragment',
    async (request, reply) => {
      const who = await signedIn(request);
      // Fetched by the page's script, not shown: its failures answer HubSpot's envelope.
      if (!who) return reply.code(401).send(toErrorBody(new ApiError('MISSING_CREDENTIALS'), request.id));
      const events = await recordEvents(who, request.params.objectType, request.params.objectId);
      return sendPage(reply.header('x-timeline-top', events.top), events.html);
    },
  );

  app.get<{ Params: { templateId: string } }>('/ui/templates/:templateId', async (request, reply) => {
    const who = await signedIn(request);
    if (!who) return signIn(reply);
    const template = await timeline.template(who.viewer, request.params.templateId);
    if (!template) return notFound(request, reply, `No event template ${request.params.templateId}.`);
    const body = views.template({ template });
    return render(request, reply, {
      title: template.name,
      signedIn: true,
      objectType: template.objectType,
      body,
    });
  });
}
