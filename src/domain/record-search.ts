/**
 * The records search `q` (see `matchesRecordSearch` in store.ts) as index ranges, so a store finds
 * the matching records by seeking instead of reading every record of the portal: a record matches
 * when one of its search keys (lower-cased email, that email's domain, lower-cased `domain`) starts
 * with `q`, or when its id's decimal form does.
 */

/** A record's search keys; `null` where the record has no such value. */
export interface RecordSearchKeys {
  email: string | null;
  emailDomain: string | null;
  domain: string | null;
}

/** The keys `matchesRecordSearch` compares `q` with, computed the same way. */
export function recordSearchKeys(properties: Record<string, string>): RecordSearchKeys {
  const email = properties.email?.trim().toLowerCase() || null;
  return {
    email,
    emailDomain: email === null ? null : email.slice(email.indexOf('@') + 1) || null,
    domain: properties.domain?.trim().toLowerCase() || null,
  };
}

export interface RecordSearchRanges {
  /**
   * The text keys starting with `q`: `from` <= key < `below` in code point order (bytewise in
   * UTF-8: SQLite's BINARY, PostgreSQL's "C"); no `below` when none exists (q is all U+10FFFF).
   */
  text: { from: string; below?: string };
  /** Inclusive ranges of the ids whose decimal form starts with `q` (ids have 1-15 digits). */
  ids: [number, number][];
}

const MAX_ID_DIGITS = 15;

/**
 * A store seeks a search's matches through their keys when at most this many records match, and
 * sorts them by activity; above it, it walks the portal's records by activity keeping the matches
 * (at least one in SEARCH_SEEK_MAX / records is one, so a page fills after a bounded walk).
 */
export const SEARCH_SEEK_MAX = 1000;

/** The smallest string greater than every string that starts with `prefix`, if any. */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = (points.pop() as number) + 1;
    if (last > 0x10ffff) continue;
    // A lone surrogate cannot be stored; the next code point after U+D7FF is U+E000.
    points.push(last >= 0xd800 && last <= 0xdfff ? 0xe000 : last);
    return String.fromCodePoint(...points);
  }
  return undefined;
}

export function recordSearchRanges(q: string): RecordSearchRanges {
  const below = prefixUpperBound(q);
  const ranges: RecordSearchRanges = {
    text: below === undefined ? { from: q } : { from: q, below },
    ids: [],
  };
  if (!/^\d+$/.test(q) || q.length > MAX_ID_DIGITS) return ranges;
  if (q.startsWith('0')) {
    // Only the id 0 is written with a leading zero.
    if (q === '0') ranges.ids.push([0, 0]);
    return ranges;
  }
  const start = Number(q);
  for (let scale = 1, digits = q.length; digits <= MAX_ID_DIGITS; digits++, scale *= 10)
    ranges.ids.push([start * scale, (start + 1) * scale - 1]);
  return ranges;
}
