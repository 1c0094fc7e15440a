/** Generated ids (random bytes drawn from a pool): version 7, unique, in order of making. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate, version } from 'uuid';
import { randomIds } from '../../src/domain/clock.js';

test('generated ids are version 7 UUIDs, all different, sorted in the order they were made', () => {
  // Past the 4 KiB pool several times, and many ids within one millisecond.
  const ids = Array.from({ length: 5_000 }, () => randomIds.uuid());
  for (const id of ids) {
    assert.ok(validate(id), id);
    assert.equal(version(id), 7);
  }
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids);
  const stamp = Number.parseInt((ids.at(-1) as string).replaceAll('-', '').slice(0, 12), 16);
  assert.ok(Math.abs(stamp - Date.now()) < 5_000, 'the first 48 bits are the time of making');
});
