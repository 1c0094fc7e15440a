/** Time and identifiers are injected so tests can make them deterministic. */
import { randomBytes } from 'node:crypto';

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
 * A version 7 UUID: 48 bits of epoch milliseconds, then random bits. Ids made close in time sort
 * close together, so the events' primary-key index grows at its end instead of at random pages.
 */
export function uuidV7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const randomIds: IdGenerator = {
  uuid: () => uuidV7(),
  secret: (bytes) => randomBytes(bytes).toString('hex'),
};
