/**
 * The records search as index ranges (domain/record-search.ts) finds exactly the records the search
 * rule (matchesRecordSearch) matches: a key in the text range or an id in an id range, for any
 * query and record, Unicode edges included.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { prefixUpperBound, recordSearchKeys, recordSearchRanges } from '../../src/domain/record-search.js';
import { matchesRecordSearch } from '../../src/domain/store.js';

/** Compares as SQLite's BINARY and PostgreSQL's "C" do: the strings' UTF-8 bytes. */
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function matchesByRanges(q: string, id: string, properties: Record<string, string>): boolean {
  const { text, ids } = recordSearchRanges(q);
  const keys = recordSearchKeys(properties);
  const inText = (key: string | null) =>
    key !== null && bytes(key, text.from) >= 0 && (text.below === undefined || bytes(key, text.below) < 0);
  const n = Number(id);
  return (
    inText(keys.email) ||
    inText(keys.emailDomain) ||
    inText(keys.domain) ||
    ids.some(([low, high]) => n >= low && n <= high)
  );
}

const EDGES = [
  'a',
  'Z',
  '@',
  '.',
  '9',
  '0',
  '\u00e9',
  '\ud7ff',
  '\ue000',
  '\uffff',
  '\u{10000}',
  '\u{10ffff}',
  ' ',
];
const edgy = fc.string({ unit: fc.constantFrom(...EDGES), maxLength: 6 });
const text = fc.oneof(edgy, fc.string({ unit: 'grapheme', maxLength: 8 }), fc.emailAddress());
const id = fc.oneof(
  fc.constantFrom('0', '1', '10', '999999999999999'),
  fc.integer({ min: 0, max: 1e15 - 1 }).map(String),
);

test('the ranges find exactly what the search rule matches', () => {
  fc.assert(
    fc.property(
      id,
      fc.record({ email: text, domain: text }, { requiredKeys: [] }),
      // The query: a prefix of the record's own id, email, email domain or domain (cut at a code
      // point, then lower-cased, maybe with one more character), or any other text.
      fc.constantFrom('id', 'email', 'emailDomain', 'domain', 'other'),
      fc.nat(20),
      fc.option(fc.constantFrom(...EDGES)),
      text,
      (recordId, properties, source, cut, extra, other) => {
        const keys = recordSearchKeys(properties);
        const from = source === 'id' ? recordId : source === 'other' ? other : (keys[source] ?? other);
        const q = (Array.from(from).slice(0, cut).join('') + (extra ?? '')).toLowerCase();
        fc.pre(q !== '');
        assert.equal(matchesByRanges(q, recordId, properties), matchesRecordSearch(q, recordId, properties));
      },
    ),
    { numRuns: 5000 },
  );
});

test('the upper bound of a prefix: the next code point, skipping surrogates and U+10FFFF', () => {
  assert.equal(prefixUpperBound('ab'), 'ac');
  assert.equal(prefixUpperBound('a\ud7ff'), 'a\ue000');
  assert.equal(prefixUpperBound('a\u{10ffff}'), 'b');
  assert.equal(prefixUpperBound('\u{10ffff}\u{10ffff}'), undefined);
  assert.deepEqual(recordSearchRanges('12').ids.slice(0, 3), [
    [12, 12],
    [120, 129],
    [1200, 1299],
  ]);
  assert.deepEqual(recordSearchRanges('0').ids, [[0, 0]]);
  assert.deepEqual(recordSearchRanges('012').ids, []);
  assert.equal(recordSearchRanges('1234567890123456').ids.length, 0);
});
