import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDate, normalizeSpaces, toEpochMillis } from '../../src/render/format-date.js';

const TS = Date.parse('2020-01-30T18:13:25Z');
const PLAIN = /^[\x20-\x7e]*$/;

const EXPECTED: Record<string, Record<string, string>> = {
  UTC: {
    short: '1/30/20, 6:13 PM',
    medium: 'Jan 30, 2020, 6:13:25 PM',
    long: 'January 30, 2020 at 6:13:25 PM UTC',
    full: 'Thursday, January 30, 2020 at 6:13:25 PM Coordinated Universal Time',
  },
  'America/New_York': {
    short: '1/30/20, 1:13 PM',
    medium: 'Jan 30, 2020, 1:13:25 PM',
    long: 'January 30, 2020 at 1:13:25 PM EST',
    full: 'Thursday, January 30, 2020 at 1:13:25 PM Eastern Standard Time',
  },
  'Asia/Kolkata': {
    short: '1/30/20, 11:43 PM',
    medium: 'Jan 30, 2020, 11:43:25 PM',
    long: 'January 30, 2020 at 11:43:25 PM GMT+5:30',
    full: 'Thursday, January 30, 2020 at 11:43:25 PM India Standard Time',
  },
};

describe('formatDate', () => {
  for (const [zone, formats] of Object.entries(EXPECTED)) {
    for (const [format, expected] of Object.entries(formats)) {
      test(`${format} in ${zone}`, () => {
        const out = formatDate(TS, format, zone);
        assert.equal(out, expected);
        assert.match(out, PLAIN);
      });
    }
    test(`default (medium) in ${zone}`, () => {
      assert.equal(formatDate(TS, undefined, zone), formats.medium);
      assert.equal(formatDate(TS, 'nonsense', zone), formats.medium);
    });
  }

  test('numeric strings are timestamps', () => {
    assert.equal(formatDate(String(TS), 'short', 'UTC'), '1/30/20, 6:13 PM');
    assert.equal(formatDate(' 0 ', 'short', 'UTC'), '1/1/70, 12:00 AM');
  });

  test('invalid timestamps render empty', () => {
    for (const bad of [
      undefined,
      null,
      '',
      'abc',
      '12abc',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      9e15,
      {},
      [],
      true,
    ]) {
      assert.equal(formatDate(bad, 'short', 'UTC'), '', String(bad));
    }
  });

  test('toEpochMillis', () => {
    assert.equal(toEpochMillis(5), 5);
    assert.equal(toEpochMillis('-5'), -5);
    assert.equal(toEpochMillis('1e3'), undefined);
    assert.equal(toEpochMillis(8.64e15), 8.64e15);
    assert.equal(toEpochMillis(8.64e15 + 1), undefined);
  });

  test('odd ICU spaces become plain spaces', () => {
    assert.equal(normalizeSpaces('1:13:25\u202fPM\u00a0on\u2009Thu'), '1:13:25 PM on Thu');
  });
});
