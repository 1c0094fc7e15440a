/**
 * The web UI under `/ui` (issue 11): server-rendered pages over the same domain services and
 * renderer as the API. Sign-in takes an access token (its portal) or the admin token with a portal
 * id, kept in a session cookie (no expiry: the browser drops it when the session ends; HttpOnly,
 * SameSite=Strict, so page scripts cannot read it and other sites cannot send it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../domain/secrets.js';
import type { TimelineEntry } from '../domain/timeline-service.js';
import { TimelineService } from '../domain/timeline-service.js';
import { isObjectType } from '../domain/types.js';
import { ApiError } from '../errors.js';
import { TIMELINE_READ_SCOPES } from '../http/auth-hooks.js';
import type { AppDeps } from '../http/deps.js';
import { sendError } from '../http/error-handler.js';
import { encodeCursor } from '../http/query-params.js';
import { WEB_ASSETS } from './web-assets.js';
import { page, views } from './web-views.js';

const COOKIE = 'timeline_ui';
const TIMELINE_PAGE = 50;
const RECORDS_PAGE = 25;

interface Session {
  token: string;
  portalId?: number;
}

function readCookie(request: FastifyRequest): Session | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name !== COOKIE || !value) continue;
    try {
      const session = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Session;
      if (typeof session.token === 'string') return session;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function html(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

function recordLabel(properties: Record<string, string>, id: string): string {
  return properties.email || properties.domain || properties.name || properties.dealname || `Record ${id}`;
}

function safeFrameUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
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
      iframe: frame && safeFrameUrl(frame.url) ? frame : undefined,
    });
  }
  return views.events({ days, more, shown: entries.length });
}

export async function webRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const timeline = new TimelineService(deps.store, deps.rendering);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  /** The portal of the signed-in session, or undefined (then the page sends the login form). */
  async function portalOf(request: FastifyRequest): Promise<number | undefined> {
    const session = readCookie(request);
    if (!session) return undefined;
    if (sameSecret(session.token, deps.adminToken)) return session.portalId;
    const token = await deps.store.findAccessToken(session.token);
    if (!token || !TIMELINE_READ_SCOPES.some((scope) => token.scopes.includes(scope))) return undefined;
    return token.portalId;
  }

  const signIn = (reply: FastifyReply) => reply.redirect('/ui', 303);
  const notFound = (reply: FastifyReply, message: string) =>
    html(
      reply,
      page({ title: 'Not found', signedIn: true, body: views.error({ title: 'Not found', message }) }),
      404,
    );

  for (const [name, asset] of Object.entries(WEB_ASSETS)) {
    app.get(`/ui/assets/${name}`, (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body),
    );
  }

  app.get('/ui', async (_request, reply) =>
    html(reply, page({ title: 'Sign in', signedIn: false, body: views.login({}) })),
  );

  app.post<{ Body: { token?: string; portalId?: string } }>('/ui/login', async (request, reply) => {
    const token = (request.body?.token ?? '').trim();
    const portalText = (request.body?.portalId ?? '').trim();
    const fail = (error: string) =>
      html(
        reply,
        page({ title: 'Sign in', signedIn: false, body: views.login({ error, portalId: portalText }) }),
        401,
      );
    let session: Session;
    if (token !== '' && sameSecret(token, deps.adminToken)) {
      if (!/^[1-9]\d{0,14}$/.test(portalText))
        return fail('With the admin token, give the portal id to open.');
      session = { token, portalId: Number(portalText) };
    } else {
      const found = token === '' ? undefined : await deps.store.findAccessToken(token);
      if (!found) return fail('That token is not valid.');
      if (!TIMELINE_READ_SCOPES.some((scope) => found.scopes.includes(scope)))
        return fail('That token has no timeline or CRM read scope.');
      session = { token };
    }
    const value = Buffer.from(JSON.stringify(session)).toString('base64url');
    reply.header('set-cookie', `${COOKIE}=${value}; Path=/ui; HttpOnly; SameSite=Strict`);
    return reply.redirect('/ui/records/contacts', 303);
  });

  app.post('/ui/logout', async (_request, reply) => {
    reply.header('set-cookie', `${COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0`);
    return signIn(reply);
  });

  app.get<{ Params: { objectType: string }; Querystring: { q?: string; after?: string } }>(
    '/ui/records/:objectType',
    async (request, reply) => {
      const portalId = await portalOf(request);
      if (portalId === undefined) return signIn(reply);
      const { objectType } = request.params;
      if (!isObjectType(objectType)) return notFound(reply, `There is no object type ${objectType}.`);
      const q = typeof request.query.q === 'string' ? request.query.q : '';
      const afterParts = typeof request.query.after === 'string' ? request.query.after.split('.') : [];
      const after =
        afterParts.length === 2 && /^\d+$/.test(afterParts[0] ?? '') && /^\d+$/.test(afterParts[1] ?? '')
          ? { lastEventAt: Number(afterParts[0]), objectId: afterParts[1] as string }
          : undefined;
      const result = await timeline.records(portalId, objectType, {
        limit: RECORDS_PAGE,
        ...(q ? { q } : {}),
        ...(after ? { after } : {}),
      });
      const timeZone = await deps.rendering.timeZoneOf(portalId);
      const when = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
      const records = result.records.map((r) => ({
        id: r.record.id,
        label: recordLabel(r.record.properties, r.record.id),
        eventCount: r.eventCount,
        lastEventAt: new Date(r.lastEventAt).toISOString(),
        lastEventAtText: when.format(r.lastEventAt),
      }));
      const next = result.next
        ? new URLSearchParams({
            ...(q ? { q } : {}),
            after: `${result.next.lastEventAt}.${result.next.objectId}`,
          }).toString()
        : undefined;
      const body = views.records({ objectType, q, records, next });
      return html(reply, page({ title: objectType, signedIn: true, objectType, body }));
    },
  );

  /** The newest events of a record as HTML, and the key of the newest (to tell when it changed). */
  async function recordEvents(portalId: number, objectType: string, objectId: string) {
    const result = await timeline.events(portalId, objectType, objectId, {
      limit: TIMELINE_PAGE,
      detail: true,
    });
    const timeZone = await deps.rendering.timeZoneOf(portalId);
    const first = result.entries[0]?.event;
    const top = first ? encodeCursor([first.timestamp, first.id, first.eventTemplateId]) : '';
    return { html: eventsView(result.entries, timeZone, result.next !== undefined), top };
  }

  app.get<{ Params: { objectType: string; objectId: string } }>(
    '/ui/records/:objectType/:objectId',
    async (request, reply) => {
      const portalId = await portalOf(request);
      if (portalId === undefined) return signIn(reply);
      const { objectType, objectId } = request.params;
      const record = isObjectType(objectType)
        ? await deps.store.getRecord(portalId, objectType, objectId)
        : undefined;
      if (!record) return notFound(reply, `No ${objectType} record ${objectId} in this portal.`);
      const events = await recordEvents(portalId, objectType, objectId);
      const label = recordLabel(record.properties, record.id);
      const body = views.timeline({ objectType, objectId, label, eventsHtml: events.html, top: events.top });
      return html(reply, page({ title: label, signedIn: true, objectType, body }));
    },
  );

  // Polled by the open timeline page (app.js) so new events appear without a reload.
  app.get<{ Params: { objectType: string; objectId: string } }>(
    '/ui/records/:objectType/:objectId/events-fragment',
    async (request, reply) => {
      const portalId = await portalOf(request);
      // Fetched by the page's script, not shown: its failures answer HubSpot's envelope (issue 12).
      if (portalId === undefined) return sendError(reply, new ApiError('MISSING_CREDENTIALS'));
      const events = await recordEvents(portalId, request.params.objectType, request.params.objectId);
      return html(reply.header('x-timeline-top', events.top), events.html);
    },
  );

  app.get<{ Params: { templateId: string } }>('/ui/templates/:templateId', async (request, reply) => {
    const portalId = await portalOf(request);
    if (portalId === undefined) return signIn(reply);
    const template = await deps.store.getTemplate(request.params.templateId);
    // A template belongs to an app: an access token sees its own app's only (issue 12), the admin all.
    const session = readCookie(request);
    const admin = session !== undefined && sameSecret(session.token, deps.adminToken);
    const token = admin || !session ? undefined : await deps.store.findAccessToken(session.token);
    if (!template || (!admin && template.appId !== token?.appId))
      return notFound(reply, `No event template ${request.params.templateId}.`);
    const body = views.template({ template });
    return html(reply, page({ title: template.name, signedIn: true, objectType: template.objectType, body }));
  });
}
