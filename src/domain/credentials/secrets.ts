/**
 * Secrets: made from 256 random bits, kept only as a hash where the server only verifies them, and
 * compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in every secret the server makes (256 bits). */
export const SECRET_BYTES = 32;

/** A new secret: `prefix` (which says what it is, as HubSpot's `pat-` does) and 256 random bits. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * How a secret is stored and looked up: its SHA-256, in hex. The secrets the server makes carry 256
 * random bits, so a fast hash is enough to make a copy of the database useless to an attacker (a
 * slow password hash buys nothing against 2^256 guesses, and every request pays for the lookup).
 */
export function hashSecret(secret: string): string {
  return digest(secret).toString('hex');
}

/**
 * Whether a caller's secret is the one expected. Both are hashed first so `timingSafeEqual`
 * always compares two 32-byte digests: neither the position of the first differing byte nor the
 * secret's length shows in the time an answer takes. An empty or blank secret never matches, even
 * an empty one: no setting may turn a credential check off.
 */
export function sameSecret(given: string, expected: string): boolean {
  if (given.trim() === '' || expected.trim() === '') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** `sameSecret` against a secret known only by its hash (`hashSecret`). */
export function matchesHash(given: string, expectedHash: string): boolean {
  const expected = Buffer.from(expectedHash, 'hex');
  if (given.trim() === '' || expected.length !== 32) return false;
  return timingSafeEqual(digest(given), expected);
}
