/**
 * HubSpot's envelope for what fails before any route runs: a path Fastify's router
 * cannot decode or whose segment is too long (`frameworkErrors`), and bytes that never became an
 * HTTP request at all: a request too slow to arrive, headers too large, or not HTTP (Node's
 * `clientError`, answered straight on the socket). Fastify's own bodies would otherwise answer.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdGenerator } from '../domain/clock.js';
import { ApiError, toErrorBody } from '../errors.js';
import { sendError } from './error-handler.js';

/** A path quoted in a message: enough to recognise it, never the whole of an over-long one. */
function quotedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return `'${path.length > 200 ? `${path.slice(0, 200)}…` : path}'`;
}

export function frameworkErrorHandler(maxParamLength: number) {
  return (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    reply.header('X-HubSpot-Correlation-Id', request.id);
    let apiError: ApiError;
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
      apiError = new ApiError('PATH_SEGMENT_TOO_LONG', { limit: maxParamLength });
    else if (error.code === 'FST_ERR_BAD_URL')
      apiError = new ApiError('MALFORMED_PATH', {
        path: quotedPath(request.raw.url ?? ''),
        detail: 'it holds a malformed percent-encoding',
      });
    else {
      request.log.error({ err: error }, 'request failed in the router');
      apiError = new ApiError('INTERNAL_ERROR', { correlationId: String(request.id) });
    }
    sendError(reply, apiError);
  };
}

export interface ClientErrorOptions {
  ids: IdGenerator;
  requestTimeoutSeconds: number;
  maxHeaderBytes: number;
}

/** Node's `clientError`: the socket gets HubSpot's envelope (when it can still be written) and is closed. */
export function clientErrorHandler({ ids, requestTimeoutSeconds, maxHeaderBytes }: ClientErrorOptions) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A connection the client reset or that is gone already: nobody is there to read an answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    let apiError: ApiError;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
      apiError = new ApiError('REQUEST_TIMEOUT', { seconds: requestTimeoutSeconds });
    else if (error.code === 'HPE_HEADER_OVERFLOW')
      apiError = new ApiError('HEADERS_TOO_LARGE', { limit: maxHeaderBytes });
    else apiError = new ApiError('BAD_HTTP_REQUEST', { detail: error.code ?? 'unreadable' });
    const correlationId = ids.uuid();
    const body = JSON.stringify(toErrorBody(apiError, correlationId));
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status] ?? 'Error'}\r\n` +
          'Connection: close\r\n' +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-HubSpot-Correlation-Id: ${correlationId}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
