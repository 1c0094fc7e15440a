/** Time and identifiers are injected so tests can make them deterministic. */
import { randomBytes } from 'node:crypto';
import { v7 as uuidV7 } from 'uuid';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

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
