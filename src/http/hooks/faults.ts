/**
 * Injected faults (`/_admin/v1/faults`, or a request's own `X-Timeline-Fault` header where the
 * server allows it), after authentication and the rate limit (a root `preValidation` hook
 * registered after the rate limit's).
 *
 * A fault `before` the route waits `delayMs`, then answers in its place (nothing is stored): its
 * status in HubSpot's own body, a reset connection, or lets the request through when it only
 * delays. A fault `after` the route lets it run (and store), then, in `onSend`, holds its answer
 * back `delayMs` and puts the fault's status answer in its place when it has one. Either way the
 * answer then leaves in the kind's shape (`fault-delivery.ts`): whole, empty, cut, dripped, or
 * broken off.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DEFAULT_FAULT_STATUS,
  FAULT_KINDS,
  type FaultRules,
  type FiredFault,
  headerFault,
} from '../../domain/faults.js';
import { faultAnswer, type Payload, resetConnection, shapeAnswer } from './fault-delivery.js';
import { callerOf, isOwnRoute } from './own-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The injected fault this request got. */
    fault: FiredFault | undefined;
    /** The status of the route's own answer, when a fault after the route changed what was sent. */
    routeStatus: number | undefined;
    /** The status line the client got, when it is not the reply's: 0 when it got none (a reset). */
    sentStatus: number | undefined;
  }
}

export interface FaultHookOptions {
  /** Honour a request's `X-Timeline-Fault` header (`serve --allow-fault-header`). */
  allowHeader: boolean;
}

export function faultHooks(app: FastifyInstance, faults: FaultRules, options: FaultHookOptions): void {
  app.decorateRequest('fault', undefined);
  app.decorateRequest('routeStatus', undefined);
  app.decorateRequest('sentStatus', undefined);

  const faultOf = (request: FastifyRequest): FiredFault | undefined => {
    const header = options.allowHeader ? request.headers['x-timeline-fault'] : undefined;
    // A header given twice is one comma-joined value to Node; the first is the one that counts.
    if (header !== undefined) return headerFault([header].flat()[0] ?? '');
    const { portalId } = callerOf(request);
    const target = { method: request.method, path: request.url.split('?')[0] ?? '' };
    return faults.take(portalId === undefined ? target : { ...target, portalId });
  };

  app.addHook('preValidation', async (request, reply) => {
    if (isOwnRoute(request) || reply.sent) return;
    const fault = faultOf(request);
    if (!fault) return;
    request.fault = fault;
    if (fault.when === 'after') return;
    // A drip's delayMs is the time its body takes, not a wait before it.
    if (fault.kind !== 'drip' && fault.delayMs) await sleep(fault.delayMs);
    if (fault.kind === 'delay') return;
    if (fault.kind === 'reset') {
      request.sentStatus = 0;
      resetConnection(reply);
      return reply;
    }
    // Before the route nothing is stored, so what reaches the client is an error answer.
    const status = fault.status ?? DEFAULT_FAULT_STATUS;
    const { type, body } = faultAnswer(status, String(request.id));
    reply.code(status).type(type).send(body);
    return reply;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const fault = request.fault;
    if (!fault) return payload;
    let answer = payload as Payload;
    if (fault.when === 'after') {
      request.routeStatus = reply.statusCode;
      if ('status' in fault && fault.status !== undefined) {
        const replaced = faultAnswer(fault.status, String(request.id));
        reply.code(fault.status).type(replaced.type);
        answer = replaced.body;
        request.answerBody = replaced.body;
      }
      if (fault.kind !== 'drip' && fault.delayMs) await sleep(fault.delayMs);
    }
    const shape = FAULT_KINDS[fault.kind].answer;
    if (shape === 'reset') request.sentStatus = 0;
    return shapeAnswer(shape, answer, reply, fault.delayMs ?? 0);
  });
}
