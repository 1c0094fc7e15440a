/**
 * When record properties were set, for rows of every age: a record never changed since its
 * creation, one changed after the server began keeping the times, and one changed before (its
 * times are not known, and stay so for the properties a later change leaves alone).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergedRow, propertyTimesOf, type RecordRow } from '../../src/store/rows.js';

const row = (fields: Partial<RecordRow>): RecordRow => ({
  portal_id: 1,
  object_type: 'contacts',
  id: 7,
  email_key: null,
  properties: '{"email":"a@x.example","plan":"free"}',
  created_at: 100,
  updated_at: 100,
  ...fields,
});

const asMap = (r: RecordRow) => Object.fromEntries(propertyTimesOf(r).map((t) => [t.name, t.setAt]));

test('unchanged since creation: every property was set then', () => {
  assert.deepEqual(asMap(row({})), { email: 100, plan: 100 });
  assert.deepEqual(asMap(row({ property_times: null })), { email: 100, plan: 100 });
});

test('a change sets the changed properties only; a value written again is no change', () => {
  const changed = mergedRow(row({}), { plan: 'pro', email: 'a@x.example' }, 200)?.row as RecordRow;
  assert.deepEqual(asMap(changed), { email: 100, plan: 200 });
  assert.equal(mergedRow(changed, { plan: 'pro' }, 300), undefined);
  const again = mergedRow(changed, { seats: '2' }, 400)?.row as RecordRow;
  assert.deepEqual(asMap(again), { email: 100, plan: 200, seats: 400 });
});

test('a record changed before the times were kept: not known, until a change sets one', () => {
  const legacy = row({ updated_at: 150 });
  assert.deepEqual(asMap(legacy), { email: null, plan: null });
  const changed = mergedRow(legacy, { plan: 'pro' }, 200)?.row as RecordRow;
  assert.deepEqual(asMap(changed), { email: null, plan: 200 });
});

test('a property named __proto__ is a name like any other', () => {
  const odd = row({ properties: '{"__proto__":"x"}' });
  assert.deepEqual(propertyTimesOf(odd), [{ name: '__proto__', setAt: 100 }]);
  const changes = JSON.parse('{"__proto__":"y"}') as Record<string, string>;
  const changed = mergedRow(odd, changes, 200)?.row as RecordRow;
  assert.deepEqual(propertyTimesOf(changed), [{ name: '__proto__', setAt: 200 }]);
});
