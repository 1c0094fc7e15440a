/**
 * Wall-clock times of a time zone as instants: `2024-05-01` in the portal's zone starts at its local
 * midnight, not UTC's. `Intl` knows every zone's offsets; it only converts the other way (instant to
 * wall clock), so the offset at a guess is asked and the guess corrected once, which settles every
 * zone whose offset changes at most once around the time asked (all of them).
 */

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    };
    try {
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      // A zone this runtime does not know (portals are validated when stored): UTC, like rendering.
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Date.UTC, for years before 100 too (Date.UTC reads 0-99 as 1900-1999). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  date.setUTCFullYear(y, mo, d);
  return date.getTime();
}

/** How far ahead of UTC the zone's clocks are at instant `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(ms);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = utc(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
    0,
  );
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time of the zone names. A time a clock change repeats is its first
 * occurrence's; a time it skips lands past the change.
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const asUtc = utc(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second,
    wall.millisecond,
  );
  const guess = asUtc - offsetAt(asUtc, timeZone);
  const corrected = asUtc - offsetAt(guess, timeZone);
  if (corrected === guess) return guess;
  // Near a change: of the two, the earlier instant that shows this wall time, else the later.
  const earlier = Math.min(guess, corrected);
  return earlier + offsetAt(earlier, timeZone) === asUtc ? earlier : Math.max(guess, corrected);
}

/** Whether the fields name a real calendar date and a time of day. */
export function isValidWallTime(wall: WallTime): boolean {
  const { year, month, day, hour, minute, second } = wall;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  return day <= new Date(utc(year, month, 0, 0, 0, 0, 0)).getUTCDate();
}
