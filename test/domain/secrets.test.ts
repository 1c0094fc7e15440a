/** Secrets are compared in constant time on equal-length digests. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sameSecret } from '../../src/domain/credentials/secrets.js';

it('sameSecret: equal secrets match; any other text, of any length, does not', () => {
  assert.equal(sameSecret('admin-token', 'admin-token'), true);
  for (const other of [
    '',
    'admin-toke',
    'admin-tokenX',
    'ADMIN-TOKEN',
    'x'.repeat(10_000),
    'admin-token\u0000',
  ]) {
    assert.equal(sameSecret(other, 'admin-token'), false, other);
  }
  // Unicode compares by its UTF-8 bytes.
  assert.equal(sameSecret('café', 'cafe\u0301'), false);
  assert.equal(sameSecret('café', 'café'), true);
});
