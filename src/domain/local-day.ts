/**
 * The day a daily rate-limit count belongs to: HubSpot resets it at midnight in the portal's (the
 * account's) time zone, so the key is the portal's local date, as days since 1970-01-01.
 *
 * A rate-limit check asks on every request, so each zone's answer is kept for the minute it was
 * asked in: zones' offsets are whole minutes today, so a local midnight always starts a minute.
 */
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const lastAnswer = new Map<string, { minute: number; day: number }>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
      });
    } catch {
      // A zone this runtime does not know (portals are validated when stored): UTC, like rendering.
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: 'UTC',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
      });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Days since 1970-01-01 of the local date in `timeZone` at epoch milliseconds `ms`. */
export function localDay(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return Math.floor(ms / DAY_MS);
  const minute = Math.floor(ms / MINUTE_MS);
  const cached = lastAnswer.get(timeZone);
  if (cached?.minute === minute) return cached.day;
  const parts = formatterFor(timeZone).formatToParts(ms);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const day = Date.UTC(part('year'), part('month') - 1, part('day')) / DAY_MS;
  lastAnswer.set(timeZone, { minute, day });
  return day;
}
