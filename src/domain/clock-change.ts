/**
 * `POST /_admin/v1/clock` and the clock methods of `startTimelineServer()`: stop the server's clock,
 * set it to an instant, move it forward, let it run again. The body's schema is declared here, for
 * the route (through Fastify) and for the exported types alike.
 *
 * Moving the clock back is allowed (`setTo` an earlier instant, or `DELETE` after moving forward):
 * stored events keep their timestamps, and what is written afterwards is stamped with the earlier
 * time; see docs/testing.md for what it means for rate limits.
 */
import Type from 'typebox';
import { invalidInput } from '../errors.js';
import type { MovableClock } from './clock.js';

/** *Ours*: the clock moves forward by at most a year per call. */
export const MAX_ADVANCE_MS = 366 * 86_400_000;
/** The instants `setTo` takes: those every store and `Date` can hold as the time of an event. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const ClockChangeSchema = Type.Object(
  {
    freeze: Type.Optional(Type.Boolean({ description: 'true stops the clock; false lets it run again' })),
    setTo: Type.Optional(Type.String({ format: 'date-time', description: 'an ISO 8601 instant' })),
    advanceMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ADVANCE_MS })),
  },
  {
    additionalProperties: false,
    anyOf: [{ required: ['freeze'] }, { required: ['setTo'] }, { required: ['advanceMs'] }],
  },
);

/** What `POST /_admin/v1/clock` takes. */
export type ClockChange = Type.Static<typeof ClockChangeSchema>;

/** What `GET /_admin/v1/clock` answers. */
export interface ClockState {
  /** The server's time. */
  now: string;
  frozen: boolean;
  /** Milliseconds ahead of real time (negative: behind). */
  offsetMs: number;
}

export function clockState(clock: MovableClock): ClockState {
  return { now: new Date(clock.now()).toISOString(), frozen: clock.frozen, offsetMs: clock.offsetMs };
}

/** The epoch milliseconds of a `setTo` instant; an instant outside what is kept is a 400. */
export function instantOf(value: string | Date, field = 'setTo'): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > LATEST) {
    throw invalidInput([
      {
        message: `${field} must be an instant from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z`,
        code: 'INVALID_VALUE',
        in: field,
      },
    ]);
  }
  return ms;
}

/**
 * Applies a schema-valid change: a stop first (so `setTo` with `freeze` stands at that very
 * instant), then the instant, the move forward, and a restart last.
 */
export function changeClock(clock: MovableClock, change: ClockChange): ClockState {
  const instant = change.setTo === undefined ? undefined : instantOf(change.setTo);
  if (change.freeze === true) clock.freeze();
  if (instant !== undefined) clock.setTo(instant);
  if (change.advanceMs !== undefined) clock.advance(change.advanceMs);
  if (change.freeze === false) clock.resume();
  return clockState(clock);
}
