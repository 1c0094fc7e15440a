/** Time and identifiers are injected so tests can make them deterministic. */
import { randomBytes, randomFillSync } from 'node:crypto';
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

/** Random bytes drawn 4 KiB at a time: one `getRandomValues` per UUID was a tenth of the HTTP thread. */
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

function random16(): Uint8Array {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}

/**
 * uuid's own monotonic state for v7, kept here because it is used only when no options are given
 * (and we give the random bytes): in one millisecond the 31-bit counter counts up from a random
 * start, so ids made in order sort in order.
 */
const v7State = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

function nextV7(): string {
  const random = random16();
  const now = Date.now();
  if (now > v7State.msecs) {
    v7State.msecs = now;
    v7State.seq =
      (((random[6] as number) & 0x7f) << 24) |
      ((random[7] as number) << 16) |
      ((random[8] as number) << 8) |
      (random[9] as number);
  } else {
    v7State.seq = (v7State.seq + 1) | 0;
    if (v7State.seq === 0) v7State.msecs += 1;
  }
  return uuidV7({ random, msecs: v7State.msecs, seq: v7State.seq });
}

/**
 * Version 7 UUIDs (48 bits of epoch milliseconds, then random bits): ids made close in time sort
 * close together, so the events' primary-key index grows at its end instead of at random pages.
 */
export const randomIds: IdGenerator = {
  uuid: nextV7,
  secret: (bytes) => randomBytes(bytes).toString('hex'),
};
