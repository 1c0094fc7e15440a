/** Time and identifiers are injected so tests can make them deterministic. */
import { randomBytes, randomUUID } from 'node:crypto';

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

export const randomIds: IdGenerator = {
  uuid: () => randomUUID(),
  secret: (bytes) => randomBytes(bytes).toString('hex'),
};
