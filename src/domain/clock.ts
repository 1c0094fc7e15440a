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

/**
 * A version 7 UUID: 48 bits of epoch milliseconds, then random bits. Ids made close in time sort
 * close together, so the events' primary-key index grows at its end instead of at random pages.
 */
export function uuidV7(now = Date.now()): string {
  // randomUUID draws from Node's pooled entropy (far cheaper than randomBytes per call); its first
  // 48 bits and version digit are replaced by the time and a 7. The variant bits stay RFC 4122's.
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

export const randomIds: IdGenerator = {
  uuid: () => uuidV7(),
  secret: (bytes) => randomBytes(bytes).toString('hex'),
};
