/** Time and identifiers are injected so tests can make them deterministic. */
import { randomBytes, randomFillSync } from 'node:crypto';
import { v7 as uuidV7 } from 'uuid';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The server's one clock, which a test can stop, set and move (`POST /_admin/v1/clock`,
 * `server.freezeClock()` ...), so a rate-limit window passes, a token expires or a day ends without
 * waiting. Everything that reads time reads it through it: request arrival, the timestamps the
 * server fills, rate-limit windows and days, OAuth expiry, the journal's times.
 */
export interface MovableClock extends Clock {
  /** Milliseconds the clock is ahead of the clock it wraps (behind: negative), now. */
  readonly offsetMs: number;
  /** Whether the clock stands still. */
  readonly frozen: boolean;
  /** Moves the clock forward by `ms` (cumulative); a frozen clock stays frozen, at the later instant. */
  advance(ms: number): void;
  /** Stops the clock at its current instant. */
  freeze(): void;
  /** Lets a frozen clock run again, from the instant it stood at. */
  resume(): void;
  /** Puts the clock at `epochMs` (either direction); frozen or running as it was. */
  setTo(epochMs: number): void;
  /** Back to the wrapped clock's time, running. */
  realTime(): void;
}

export function movableClock(base: Clock = systemClock): MovableClock {
  let offset = 0;
  let frozenAt: number | undefined;
  const now = () => frozenAt ?? base.now() + offset;
  return {
    now,
    get offsetMs() {
      return frozenAt === undefined ? offset : frozenAt - base.now();
    },
    get frozen() {
      return frozenAt !== undefined;
    },
    advance: (ms) => {
      if (frozenAt === undefined) offset += ms;
      else frozenAt += ms;
    },
    freeze: () => {
      frozenAt = now();
    },
    resume: () => {
      if (frozenAt !== undefined) offset = frozenAt - base.now();
      frozenAt = undefined;
    },
    setTo: (epochMs) => {
      if (frozenAt === undefined) offset = epochMs - base.now();
      else frozenAt = epochMs;
    },
    realTime: () => {
      offset = 0;
      frozenAt = undefined;
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
