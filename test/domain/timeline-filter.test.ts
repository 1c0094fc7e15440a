/**
 * The timeline filters' times: wall-clock times of a portal's zone as instants, through clock
 * changes, odd offsets and early years; `until` as a date takes in the whole day; each bad value a
 * 400 naming its parameter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundMs, parseTimeBound, parseTimelineFilter, timeRange } from '../../src/domain/timeline-filter.js';
import { instantOf } from '../../src/domain/zoned-time.js';
import { ApiError } from '../../src/errors.js';

const wall = (text: string) => {
  const [date = '', time = '00:00:00'] = text.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second] = time.split(':').map(Number);
  return {
    year: year ?? 0,
    month: month ?? 1,
    day: day ?? 1,
    hour: hour ?? 0,
    minute: minute ?? 0,
    second: second ?? 0,
    millisecond: 0,
  };
};
const iso = (ms: number) => new Date(ms).toISOString();

describe('instantOf', () => {
  it('reads wall-clock times in the zone, across clock changes', () => {
    assert.equal(iso(instantOf(wall('2024-05-01T00:00:00'), 'America/New_York')), '2024-05-01T04:00:00.000Z');
    assert.equal(iso(instantOf(wall('2024-01-15T12:00:00'), 'America/New_York')), '2024-01-15T17:00:00.000Z');
    // Repeated when clocks go back: the first of the two.
    assert.equal(iso(instantOf(wall('2024-11-03T01:30:00'), 'America/New_York')), '2024-11-03T05:30:00.000Z');
    // Skipped when clocks go forward: past the change.
    assert.equal(iso(instantOf(wall('2024-03-10T02:30:00'), 'America/New_York')), '2024-03-10T07:30:00.000Z');
    assert.equal(iso(instantOf(wall('2024-05-01T00:00:00'), 'Asia/Kathmandu')), '2024-04-30T18:15:00.000Z');
    assert.equal(iso(instantOf(wall('2024-05-01T00:00:00'), 'UTC')), '2024-05-01T00:00:00.000Z');
    assert.equal(iso(instantOf(wall('0050-06-01T00:00:00'), 'UTC')), '0050-06-01T00:00:00.000Z');
  });
});

describe('time bounds', () => {
  it('a date as until is the whole day of the zone; since starts it; an offset is an instant', () => {
    const day = parseTimeBound('until', '2024-03-10');
    assert.equal(iso(boundMs(day, 'until', 'America/New_York')), '2024-03-11T03:59:59.999Z');
    assert.equal(iso(boundMs(day, 'since', 'America/New_York')), '2024-03-10T05:00:00.000Z');
    const instant = parseTimeBound('since', '2024-05-01T12:00:00+05:45');
    assert.equal(iso(boundMs(instant, 'since', 'America/New_York')), '2024-05-01T06:15:00.000Z');
    assert.equal(
      iso(boundMs(parseTimeBound('since', '2024-05-01T12:00:00.5Z'), 'since', 'UTC')),
      '2024-05-01T12:00:00.500Z',
    );
  });

  it('refuses what is not a real date or time, naming the parameter', () => {
    for (const text of [
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-05-01T24:00',
      '2024-05-01T12:60',
      'May 1',
      '2024-05-01T12:00+25:00',
    ]) {
      assert.throws(
        () => parseTimeBound('since', text),
        (error: unknown) =>
          error instanceof ApiError && JSON.stringify(error.details).includes('"in":"since"'),
        text,
      );
    }
    assert.equal(parseTimeBound('since', '2024-02-29').kind, 'wall');
  });

  it('until before since is refused naming until; the same day is one day', () => {
    const filter = parseTimelineFilter({ since: '2024-05-02', until: '2024-05-01' });
    assert.throws(() => timeRange(filter, 'UTC'), /until must not be before since/);
    const same = timeRange(parseTimelineFilter({ since: '2024-05-01', until: '2024-05-01' }), 'UTC');
    assert.deepEqual(same, {
      since: Date.parse('2024-05-01T00:00:00Z'),
      until: Date.parse('2024-05-01T23:59:59.999Z'),
    });
  });

  it('template ids: repeated ones once, at most 20, whole numbers; q trimmed and lower-cased', () => {
    const filter = parseTimelineFilter({ eventTemplateId: ['1000001', '1000002', '1000001'], q: '  Hello ' });
    assert.deepEqual(filter.eventTemplateIds, ['1000001', '1000002']);
    assert.equal(filter.q, 'hello');
    assert.equal(parseTimelineFilter({ q: '   ' }).q, undefined);
    assert.throws(() => parseTimelineFilter({ eventTemplateId: '1e3' }), /eventTemplateId must be/);
    assert.throws(
      () => parseTimelineFilter({ eventTemplateId: Array.from({ length: 21 }, (_, i) => String(i + 1)) }),
      /at most 20/,
    );
  });
});
