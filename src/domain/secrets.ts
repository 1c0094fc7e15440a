/**
 * Comparing a secret a caller sent with the one we hold, in constant time. Both are hashed first
 * (SHA-256) so `timingSafeEqual` always compares two 32-byte digests: neither the position of the
 * first differing byte nor the secret's length shows in the time an answer takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
