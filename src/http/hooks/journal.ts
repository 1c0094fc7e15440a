/**
 * Records every request on HubSpot's routes in the request journal when its answer is sent: method,
 * path (credentials redacted), caller, status, duration, correlation id, the request body and the
 * body of an error answer (both cut to JOURNAL_BODY_LIMIT). No header is recorded, so neither an
 * `Authorization` header nor the admin token can appear in it.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import { cutBody, type JournalEntry, type RequestJournal } from '../../domain/request-journal.js';
import { redactBody, redactUrl } from '../../redact.js';
import { callerOf, isOwnRoute } from './own-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body of an error answer, kept for the journal. */
    errorBody: string | undefined;
    /** The id of the injected fault that answered this request. */
    faultId: string | undefined;
  }
}

export function journalHooks(app: FastifyInstance, journal: RequestJournal, clock: Clock): void {
  // `rawBody` (the body as received) is decorated and set by app.ts's JSON parser.
  app.decorateRequest('errorBody', undefined);
  app.decorateRequest('faultId', undefined);
  if (journal.size === 0) return;

  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string' && !isOwnRoute(request)) {
      request.errorBody = payload;
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (isOwnRoute(request)) return;
    const entry: JournalEntry = {
      time: new Date(request.receivedAt || clock.now()).toISOString(),
      method: request.method,
      path: redactUrl(request.url),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
      correlationId: String(request.id),
    };
    const { portalId, appId } = callerOf(request);
    if (portalId !== undefined) entry.portalId = portalId;
    if (appId !== undefined) entry.appId = appId;
    if (request.rawBody !== undefined) {
      const cut = cutBody(redactBody(request.url, request.rawBody));
      entry.requestBody = cut.text;
      if (cut.cut) entry.truncated = true;
    }
    if (request.errorBody !== undefined) {
      const cut = cutBody(request.errorBody);
      entry.responseBody = cut.text;
      if (cut.cut) entry.truncated = true;
    }
    if (request.faultId !== undefined) entry.faultId = request.faultId;
    journal.record(entry);
  });
}
