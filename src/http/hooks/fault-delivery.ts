/**
 * How each shape of a faulted answer (`AnswerShape` in domain/fault-kinds.ts) reaches the client,
 * as the payload an `onSend` hook hands on to Fastify: the answer as it is, no body, half of it, a
 * body dripped in pieces, or a stream that breaks the connection (after the headers, or before
 * anything with a TCP reset) once Fastify starts sending. Every timer stops when the connection
 * goes, so a client that gives up frees everything.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { type AnswerShape, type FaultStatus, MAX_FAULT_DELAY_MS } from '../../domain/fault-kinds.js';
import { ApiError, toErrorBody } from '../../errors.js';
import { gatewayErrorPage, rateLimitErrorToWire } from '../presenters.js';

/** The pieces a dripped body is sent in (fewer when it is shorter). */
const DRIP_PIECES = 10;

/** What an onSend hook may hand on: the body as Fastify serialised it, or a stream of ours. */
export type Payload = string | Buffer | Readable | null | undefined;

/** HubSpot's answer for a fault's status: its body, and the content type it comes in. */
export function faultAnswer(status: FaultStatus, correlationId: string): { type: string; body: string } {
  const json = 'application/json;charset=utf-8';
  switch (status) {
    case 429:
      // As HubSpot's own rate limit answers: the official client retries this one.
      return {
        type: json,
        body: JSON.stringify(rateLimitErrorToWire('TEN_SECONDLY_ROLLING', correlationId)),
      };
    case 500:
      return {
        type: json,
        body: JSON.stringify(toErrorBody(new ApiError('FAULT_INTERNAL_ERROR'), correlationId)),
      };
    case 503:
      return {
        type: json,
        body: JSON.stringify(toErrorBody(new ApiError('FAULT_SERVICE_UNAVAILABLE'), correlationId)),
      };
    case 502:
    case 504:
      return { type: 'text/html', body: gatewayErrorPage(status) };
  }
}

/** The answer in the fault's shape. `spreadMs` is how long a `paced` body takes. */
export function shapeAnswer(
  shape: AnswerShape,
  payload: Payload,
  reply: FastifyReply,
  spreadMs: number,
): Payload {
  if (shape === 'whole') return payload;
  // A streamed answer gathers a close listener each from Fastify, the pipe, Node and the journal:
  // past Node's warning threshold, though each goes with its response.
  reply.raw.setMaxListeners(20);
  const body = bytesOf(payload);
  switch (shape) {
    case 'empty':
      return '';
    case 'half':
      // A complete answer (its Content-Length says so) whose JSON stops halfway.
      return body.subarray(0, Math.floor(body.length / 2));
    case 'paced':
      reply.header('content-length', body.length);
      return dripped(body, Math.min(spreadMs, MAX_FAULT_DELAY_MS));
    case 'headers':
      // The length of the whole body, so the client knows it was cut; without a body, chunked
      // encoding that never ends, so a body-less answer breaks too.
      if (body.length > 0) reply.header('content-length', body.length);
      return breaking(reply, 'after-headers');
    case 'reset':
      return breaking(reply, 'reset');
    default: {
      // A shape added to AnswerShape without a delivery here fails to compile.
      const unknown: never = shape;
      throw new Error(`no delivery for the answer shape ${String(unknown)}`);
    }
  }
}

/** Breaks the connection before an answer: a TCP reset, so the client sees ECONNRESET and nothing else. */
export function resetConnection(reply: FastifyReply): void {
  reply.hijack();
  reply.request.raw.socket?.resetAndDestroy();
}

function bytesOf(payload: Payload): Buffer {
  if (payload === null || payload === undefined) return Buffer.alloc(0);
  if (typeof payload === 'string') return Buffer.from(payload);
  if (Buffer.isBuffer(payload)) return payload;
  // Every route of HubSpot's answers a serialised body; a stream here would be ours, and is not cut.
  return Buffer.alloc(0);
}

/** A body in pieces, one every `totalMs / pieces` (the first after one gap too). */
function dripped(body: Buffer, totalMs: number): Readable {
  const size = Math.max(1, Math.ceil(body.length / DRIP_PIECES));
  // As many gaps as pieces actually sent, so the whole body takes `totalMs`.
  const gap = Math.floor(totalMs / Math.max(1, Math.ceil(body.length / size)));
  let offset = 0;
  let timer: NodeJS.Timeout | undefined;
  return new Readable({
    read() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        const piece = body.subarray(offset, offset + size);
        offset += size;
        if (piece.length > 0) this.push(piece);
        if (offset >= body.length) this.push(null);
      }, gap);
    },
    destroy(error, done) {
      clearTimeout(timer);
      done(error);
    },
  });
}

/**
 * A stream that breaks the connection when Fastify starts sending it: `after-headers` sends the
 * status line and headers, then closes; `reset` sends nothing and resets.
 */
function breaking(reply: FastifyReply, how: 'after-headers' | 'reset'): Readable {
  let done = false;
  return new Readable({
    read() {
      if (done) return;
      done = true;
      const socket = reply.request.raw.socket;
      if (how === 'reset') {
        socket?.resetAndDestroy();
        return;
      }
      reply.raw.flushHeaders();
      // `end` lets the headers already written go out first, then closes.
      socket?.end();
    },
  });
}
