/** Time and identifiers are injected so tests can make them deterministic. */
import { randomBytes } from 'node:crypto';
import { v7 as uuidV7 } from 'uuid';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock the admin API can move forward (`POST /_admin/v1/clock`), so a test can let a rate-limit
 * window pass, or a token expire, without waiting. Everything that reads time reads it through the
 * server's one MovableClock: request arrival, default event timestamps, rate-limit windows.
 */
export interface MovableClock extends Clock {
  /** Milliseconds the clock is ahead of the clock it wraps. */
  readonly offsetMs: number;
  /** Moves the clock forward by `ms` (cumulative). */
  advance(ms: number): void;
  /** Back to the wrapped clock's time. */
  realTime(): void;
}

export function movableClock(base: Clock = systemClock): MovableClock {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    get offsetMs() {
      return offset;
    },
    advance: (ms) => {
      offset += ms;
    },
    realTime: () => {
      offset = 0;
    },
  };
}

export interface IdGenerator {
  /** A fresh UUID: generated event ids, `{{uuid}}` in given ids, correlation ids. */
  uuid(): string;
  /** A random secret of `bytes` bytes in hex: generated access tokens and keys. */
  secret(bytes: number): string;
}

/**
 * Version 7 UUIDs (48 bits of epoch milliseconds, then random bits): ids made close in time sort
 * close together, so the events' primary-key index grows at its end instead of at random pages.
 */
export const randomIds: IdGenerator = {
  uuid: () => uuidV7(),
  secret: (bytes) => randomBytes(bytes).toString('hex'),
};
