/**
 * Event writes cross to the SQLite thread as two strings, and their answers back as one
 * (`thread-crossing.ts`): whatever a client may put in an id, email, stamp or body must
 * come out exactly as it went in, and every answer that is not a plain new event must keep its shape.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { EventWrite } from '../../src/domain/store.js';
import { type PackedResult, packEventWrite } from '../../src/store/sqlite/packed-event-write.js';
import {
  resultsFromCrossing,
  resultsToCrossing,
  writesFromCrossing,
  writesToCrossing,
} from '../../src/store/sqlite/thread-crossing.js';

const awkward = 'line\nbreak, comma "quote" \\ back\u2028sep é 😀 \u0001';

function write(n: number, overrides: Partial<EventWrite> = {}): EventWrite {
  return {
    portalId: 101,
    event: {
      id: `id-${n}-${awkward}`,
      eventTemplateId: '1000001',
      objectType: 'contacts',
      timestamp: 1_764_490_000_000 + n,
      createdAt: 1_764_490_000_000,
      tokens: { name: awkward, empty: '' },
      extraData: { nested: { list: [1, 'two\nlines', null, { deep: awkward }] } },
      email: `p${n}@example.com`,
    },
    record: { by: 'email', email: `p${n}@example.com` },
    stamps: { last_webinar: awkward },
    fingerprint: n % 2 ? '' : `fp,${awkward}`,
    ...overrides,
  };
}

it('writes come out of the crossing exactly as packEventWrite makes them, whatever their text holds', () => {
  const writes = [
    write(0),
    write(1, { idIsNew: true }),
    write(2, { record: { by: 'objectId', objectId: '42', email: 'a@b.co', domain: 'b.co' } }),
    write(3, { record: { by: 'utk', utk: `utk\n${awkward}` }, stamps: {} }),
  ];
  const crossed = writesFromCrossing(writesToCrossing(writes));
  assert.deepEqual(crossed, writes.map(packEventWrite));
  // Spelled out once, so the comparison above does not rest on packEventWrite alone.
  assert.deepEqual(crossed[1], {
    portalId: 101,
    templateId: 1000001,
    eventId: `id-1-${awkward}`,
    objectType: 'contacts',
    timestamp: 1_764_490_000_001,
    createdAt: 1_764_490_000_000,
    fingerprint: '',
    idIsNew: true,
    record: { by: 'email', email: 'p1@example.com' },
    stamps: { last_webinar: awkward },
    body: JSON.stringify({
      tokens: { name: awkward, empty: '' },
      extraData: { nested: { list: [1, 'two\nlines', null, { deep: awkward }] } },
      email: 'p1@example.com',
    }),
  });
});

it('an empty batch and a one-event batch cross too', () => {
  assert.deepEqual(writesFromCrossing(writesToCrossing([])), []);
  assert.deepEqual(writesFromCrossing(writesToCrossing([write(7)])), [packEventWrite(write(7))]);
});

it('answers: all new events cross as their ids; any other answer crosses as it is', () => {
  const created: PackedResult[] = [
    { ok: true, objectId: '1' },
    { ok: true, objectId: '123456789012' },
  ];
  assert.equal(resultsToCrossing(created), '1,123456789012');
  assert.deepEqual(resultsFromCrossing(resultsToCrossing(created)), created);

  const mixed: PackedResult[] = [
    { ok: true, objectId: '1' },
    { ok: false, code: 'EVENT_ID_IN_USE', params: { id: 'x' } },
  ];
  assert.equal(resultsToCrossing(mixed), mixed);
  assert.deepEqual(resultsFromCrossing(resultsToCrossing([])), []);
});
