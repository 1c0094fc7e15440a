/**
 * Injected faults (`/_admin/v1/faults`), after authentication and the rate limit (a root
 * `preValidation` hook registered after the rate limit's) and before the body is validated or the
 * route runs, so a faulted request changes nothing stored. A fault waits `delayMs`,
 * then answers `status` in HubSpot's own body for it (or lets the request through after the wait).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Fault, FaultRules } from '../../domain/faults.js';
import { ApiError } from '../../errors.js';
import { sendError } from '../error-handler.js';
import { gatewayErrorPage, rateLimitErrorToWire } from '../presenters.js';
import { callerOf, isOwnRoute } from './own-routes.js';

export function faultHook(app: FastifyInstance, faults: FaultRules): void {
  app.addHook('preValidation', async (request, reply) => {
    if (isOwnRoute(request) || reply.sent) return;
    const { portalId } = callerOf(request);
    const target = { method: request.method, path: request.url.split('?')[0] ?? '' };
    const fault = faults.take(portalId === undefined ? target : { ...target, portalId });
    if (!fault) return;
    request.faultId = fault.id;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.status === undefined) return;
    answer(fault, fault.status, reply, String(request.id));
    return reply;
  });
}

type Reply = Parameters<typeof sendError>[0];

function answer(
  _fault: Fault,
  status: NonNullable<Fault['status']>,
  reply: Reply,
  correlationId: string,
): void {
  switch (status) {
    case 429:
      // As HubSpot's own rate limit answers: the official client retries this one.
      reply
        .code(429)
        .type('application/json;charset=utf-8')
        .send(rateLimitErrorToWire('TEN_SECONDLY_ROLLING', correlationId));
      return;
    case 500:
      sendError(reply, new ApiError('FAULT_INTERNAL_ERROR'));
      return;
    case 503:
      sendError(reply, new ApiError('FAULT_SERVICE_UNAVAILABLE'));
      return;
    case 502:
    case 504:
      reply.code(status).type('text/html').send(gatewayErrorPage(status));
      return;
  }
}
