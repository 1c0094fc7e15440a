/** What the event services are told of a create request, read from the request once. */
import type { FastifyRequest } from 'fastify';
import type { RequestFacts } from '../domain/events/v3-event-service.js';

/**
 * When the request came, and how large its body was (from Content-Length, when sent; Node's parser
 * holds the body to it): a body under the per-event size limit lets every event skip measuring
 * itself.
 */
export function requestFacts(request: FastifyRequest): RequestFacts {
  const length = Number(request.headers['content-length']);
  return Number.isInteger(length)
    ? { requestedAt: request.receivedAt, bodyBytes: length }
    : { requestedAt: request.receivedAt };
}
