/**
 * What the HTTP side does while the server stops (graceful shutdown). Once `app.close()`
 * has begun, the listening socket is closed and idle keep-alive connections are dropped by Fastify;
 * requests already being handled run to the end (their writes commit and are answered). Two more
 * things are ours:
 * - a request that still arrives (on a keep-alive connection that was busy when the stop began) is
 *   answered 503 in HubSpot's envelope, not with Fastify's own body (`return503OnClosing` is off),
 *   so a client sees the same shape as any other "retry shortly";
 * - every answer sent while stopping carries `Connection: close`, so each connection ends with the
 *   answer it was waiting for instead of idling until the keep-alive timeout holds the stop up.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { sendError } from './error-handler.js';

export function addShutdownGate(app: FastifyInstance): void {
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!stopping) return;
    reply.header('Connection', 'close');
    return sendError(reply, new ApiError('SHUTTING_DOWN'));
  });
  app.addHook('onSend', async (_request, reply) => {
    if (stopping) reply.header('Connection', 'close');
  });
}
