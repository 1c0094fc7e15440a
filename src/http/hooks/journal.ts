/**
 * Records every request on HubSpot's routes in the request journal once its answer is sent, or when
 * its connection closes first (a fault broke it, or the client hung up: status 0 when no status
 * line went out): method, path
 * (credentials redacted), caller, status, duration, correlation id, the request body, the body of
 * an answer that is not a plain success, the ids of the events a write stored, and what a fault did.
 * No header is recorded, so neither an `Authorization` header nor the admin token can appear in it.
 * `journalEntry` builds the whole entry, so whatever is done to what it keeps (paths, bodies) is
 * done in one place.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import {
  cutBody,
  JOURNAL_BODY_LIMIT,
  JOURNAL_ID_LIMIT,
  type JournalEntry,
  type RequestJournal,
} from '../../domain/request-journal.js';
import { redactBody, redactUrl } from '../../redact.js';
import { callerOf, isOwnRoute } from './own-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body of an answer the journal keeps (a 207, a 4xx or 5xx), as sent. */
    answerBody: string | undefined;
    /** The ids of the events the route stored (set by the event routes). */
    storedEventIds: readonly string[] | undefined;
    /** Set once the journal has the request, so it is recorded once. */
    journaled: boolean;
  }
}

/** Answers whose body the journal keeps: a partial success, and every failure. */
const keepsBody = (status: number) => status === 207 || status >= 400;

export function journalHooks(app: FastifyInstance, journal: RequestJournal, clock: Clock): void {
  // `rawBody` (the body as received) is decorated and set by app.ts's JSON parser.
  app.decorateRequest('answerBody', undefined);
  app.decorateRequest('storedEventIds', undefined);
  app.decorateRequest('journaled', false);
  if (journal.size === 0) return;

  const record = (request: FastifyRequest, reply: FastifyReply) => {
    if (request.journaled) return;
    request.journaled = true;
    journal.record(journalEntry(request, reply, clock));
  };

  app.addHook('onRequest', async (request, reply) => {
    if (isOwnRoute(request)) return;
    // An answer whose connection closes before it is finished (a fault broke it, or the client hung
    // up while it was sent) never reaches onResponse. One not begun yet is recorded by onResponse
    // once the route has answered.
    reply.raw.once('close', () => {
      if (request.journaled) return;
      // No status line went out: the client got nothing (what the route answered, if it had, is
      // `routeStatus`).
      if (!reply.raw.headersSent) request.sentStatus = 0;
      record(request, reply);
    });
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (keepsBody(reply.statusCode) && typeof payload === 'string' && !isOwnRoute(request)) {
      request.answerBody = payload;
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!isOwnRoute(request)) record(request, reply);
  });
}

/** The journal's entry for a request: everything it keeps, built here and nowhere else. */
export function journalEntry(request: FastifyRequest, reply: FastifyReply, clock: Clock): JournalEntry {
  const entry: JournalEntry = {
    time: new Date(request.receivedAt || clock.now()).toISOString(),
    method: request.method,
    path: redactUrl(request.url),
    status: request.sentStatus ?? reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    correlationId: String(request.id),
  };
  const { portalId, appId } = callerOf(request);
  if (portalId !== undefined) entry.portalId = portalId;
  if (appId !== undefined) entry.appId = appId;
  if (request.rawBody !== undefined) {
    // Secrets in an OAuth body (a client secret, a code, a refresh token) are redacted first.
    const cut = cutBody(redactBody(request.url, request.rawBody));
    entry.requestBody = cut.text;
    if (cut.cut) entry.truncated = true;
  }
  if (request.answerBody !== undefined) {
    const cut = cutBody(redactBody(request.url, errorsFirst(request.answerBody, reply.statusCode)));
    entry.responseBody = cut.text;
    if (cut.cut) entry.truncated = true;
  }
  const ids = request.storedEventIds;
  const routeStatus = request.routeStatus ?? reply.statusCode;
  if (ids && ids.length > 0 && routeStatus >= 200 && routeStatus < 300) {
    entry.storedEventIds = ids.slice(0, JOURNAL_ID_LIMIT);
    if (ids.length > JOURNAL_ID_LIMIT) entry.truncated = true;
  }
  const { fault } = request;
  if (fault) {
    if (fault.source === 'header') entry.faultHeader = fault.header;
    else entry.faultId = fault.id;
    if (fault.kind !== 'status' && fault.kind !== 'delay') entry.action = fault.kind;
  }
  // The route's own answer, when the client got something else (a fault's, or none at all).
  if (request.routeStatus !== undefined) {
    entry.routeStatus = request.routeStatus;
    // Only a write stores anything: a read whose answer was lost stored nothing.
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    if (write && request.routeStatus >= 200 && request.routeStatus < 300) entry.stored = true;
  }
  return entry;
}

/**
 * A 207 lists every stored event before the inputs that failed: when it is too long to keep whole,
 * it is kept with its `errors` first (the same JSON, its keys in another order), so the cut falls
 * on the results, whose ids `storedEventIds` has anyway.
 */
function errorsFirst(body: string, status: number): string {
  if (status !== 207 || body.length <= JOURNAL_BODY_LIMIT) return body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const { status: state, numErrors, errors, ...rest } = parsed;
    return JSON.stringify({ status: state, numErrors, errors, ...rest });
  } catch {
    return body;
  }
}
