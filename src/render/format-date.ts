/**
 * The `formatDate` block helper of HubSpot timeline templates:
 * `{{#formatDate timestamp}}{{/formatDate}}` prints `Jan 30, 2020, 1:13:25 PM` and
 * `{{#formatDate timestamp format="short"}}{{/formatDate}}` prints `1/30/20, 1:13 PM`.
 * The names `short`, `medium`, `long` and `full` map onto the Intl en-US `dateStyle`/`timeStyle`
 * of the same name; the default is `medium`.
 */

export const DATE_FORMATS = ['short', 'medium', 'long', 'full'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const DEFAULT_FORMAT: DateFormat = 'medium';
// Portals always have a zone; if the caller hands us one Intl does not know we still render
// something rather than failing the whole timeline.
const FALLBACK_TIME_ZONE = 'UTC';

export function isDateFormat(value: unknown): value is DateFormat {
  return typeof value === 'string' && (DATE_FORMATS as readonly string[]).includes(value);
}

// Building an Intl.DateTimeFormat is far slower than using one, so keep one per (zone, format).
// Zones are a closed set (a few hundred IANA names) and only valid ones are cached.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string, format: DateFormat): Intl.DateTimeFormat {
  const key = `${timeZone}\u0000${format}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { dateStyle: format, timeStyle: format, timeZone });
    } catch (err) {
      if (!(err instanceof RangeError) || timeZone === FALLBACK_TIME_ZONE) throw err;
      return formatterFor(FALLBACK_TIME_ZONE, format);
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

// Node 20's ICU (CLDR 42+) puts U+202F NARROW NO-BREAK SPACE before AM/PM and may use other
// Unicode spaces (U+00A0, U+2009 ...); HubSpot's output has plain ASCII spaces.
const ODD_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

export function normalizeSpaces(text: string): string {
  return text.replace(ODD_SPACES, ' ');
}

/** Epoch milliseconds from a number or a numeric string; `undefined` when it is not a usable instant. */
export function toEpochMillis(value: unknown): number | undefined {
  let millis: number;
  if (typeof value === 'number') {
    millis = value;
  } else if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
    millis = Number(value);
  } else {
    return undefined;
  }
  // Date accepts ±8.64e15 ms; outside that (or NaN/Infinity) there is nothing to print.
  if (!Number.isFinite(millis) || Number.isNaN(new Date(millis).getTime())) return undefined;
  return millis;
}

/**
 * Formats `value` (epoch ms, number or numeric string) in `timeZone`. An invalid timestamp renders
 * as the empty string; an unknown format name falls back to the default (`medium`).
 */
export function formatDate(value: unknown, format: unknown, timeZone: string): string {
  const millis = toEpochMillis(value);
  if (millis === undefined) return '';
  const style = isDateFormat(format) ? format : DEFAULT_FORMAT;
  return normalizeSpaces(formatterFor(timeZone, style).format(millis));
}
