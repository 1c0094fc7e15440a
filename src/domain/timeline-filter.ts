/**
 * The filters of a record's timeline, as `/_timeline/v1` and the web UI both take them (the same
 * names: `eventTemplateId`, repeatable; `since`; `until`; `q`). Each bad value is a 400 naming its
 * parameter. Dates and date-times without an offset are wall-clock times of the portal's time zone,
 * so a person's "May 1" is the portal's May 1; `until` given as a date takes in that whole day.
 */
import { invalidInput } from '../errors.js';
import { CANONICAL_ID } from './store.js';
import { instantOf, isValidWallTime, type WallTime } from './zoned-time.js';

/** *Ours*: how many templates one timeline read may name (each is a read of its own, merged). */
export const MAX_TEMPLATE_FILTERS = 20;
/** *Ours*: the longest text search, in characters. */
export const MAX_SEARCH_LENGTH = 200;

/** A time bound as given: an instant (the text had an offset), or a wall-clock time of the portal. */
export type TimeBound =
  | { kind: 'instant'; ms: number; text: string }
  | { kind: 'wall'; wall: WallTime; dateOnly: boolean; text: string };

export interface TimelineFilter {
  /** Only events of these templates (none: every template). */
  eventTemplateIds: string[];
  since?: TimeBound;
  until?: TimeBound;
  /** Lower-cased text the rendered header or a token value must contain. */
  q?: string;
}

export const NO_FILTER: TimelineFilter = { eventTemplateIds: [] };

/** The raw query parameters (a repeated one is an array). */
export interface FilterParams {
  eventTemplateId?: unknown;
  since?: unknown;
  until?: unknown;
  q?: unknown;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function once(name: string, raw: unknown): string | undefined {
  if (raw === undefined || typeof raw === 'string') return raw;
  throw invalidInput([{ message: `${name} must be given once`, code: 'INVALID_VALUE', in: name }]);
}

/** A time bound, or a 400 naming `name` for text that is not an ISO 8601 date or date-time. */
export function parseTimeBound(name: 'since' | 'until', raw: string): TimeBound {
  const bad = () =>
    invalidInput([
      {
        message: `${name} must be an ISO 8601 date or date-time such as 2024-05-01 or 2024-05-01T12:00:00Z, got '${raw}'`,
        code: 'INVALID_FORMAT',
        in: name,
      },
    ]);
  const match = ISO.exec(raw);
  if (!match) throw bad();
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const wall: WallTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  };
  if (!isValidWallTime(wall)) throw bad();
  if (offset === undefined) return { kind: 'wall', wall, dateOnly: h === undefined, text: raw };
  const ms = instantOf(wall, 'UTC') - offsetMs(offset);
  if (Number.isNaN(ms)) throw bad();
  return { kind: 'instant', ms, text: raw };
}

function offsetMs(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return Number.NaN;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * The filters of `params`; a 400 naming the parameter for a bad one: a template id that is not a
 * number, more than MAX_TEMPLATE_FILTERS templates, a time that is not ISO 8601, a text too long.
 */
export function parseTimelineFilter(params: FilterParams): TimelineFilter {
  const filter: TimelineFilter = { eventTemplateIds: [] };
  const given = params.eventTemplateId;
  const ids = given === undefined ? [] : Array.isArray(given) ? given : [given];
  for (const id of ids) {
    if (typeof id !== 'string' || !CANONICAL_ID.test(id)) {
      throw invalidInput([
        {
          message: `eventTemplateId must be an event template id (a whole number), got '${String(id)}'`,
          code: 'INVALID_VALUE',
          in: 'eventTemplateId',
        },
      ]);
    }
    if (!filter.eventTemplateIds.includes(id)) filter.eventTemplateIds.push(id);
  }
  if (filter.eventTemplateIds.length > MAX_TEMPLATE_FILTERS) {
    throw invalidInput([
      {
        message: `eventTemplateId may name at most ${MAX_TEMPLATE_FILTERS} templates, got ${filter.eventTemplateIds.length}`,
        code: 'INVALID_VALUE',
        in: 'eventTemplateId',
      },
    ]);
  }
  const since = once('since', params.since);
  if (since !== undefined && since !== '') filter.since = parseTimeBound('since', since);
  const until = once('until', params.until);
  if (until !== undefined && until !== '') filter.until = parseTimeBound('until', until);
  const q = once('q', params.q)?.trim();
  if (q !== undefined && q.length > MAX_SEARCH_LENGTH) {
    throw invalidInput([
      { message: `q must be at most ${MAX_SEARCH_LENGTH} characters`, code: 'INVALID_VALUE', in: 'q' },
    ]);
  }
  if (q) filter.q = q.toLowerCase();
  return filter;
}

const DAY_MS = 86_400_000;

/**
 * The bound as epoch ms in the portal's zone: `since` from its first millisecond, `until` through
 * its last (a date as `until` is the whole day).
 */
export function boundMs(bound: TimeBound, edge: 'since' | 'until', timeZone: string): number {
  if (bound.kind === 'instant') return bound.ms;
  if (edge === 'until' && bound.dateOnly) {
    const next = new Date(instantOf({ ...bound.wall }, 'UTC') + DAY_MS);
    const wall: WallTime = {
      ...bound.wall,
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
    };
    return instantOf(wall, timeZone) - 1;
  }
  return instantOf(bound.wall, timeZone);
}

/** The filter's time range in the zone; a 400 naming `until` when it ends before it starts. */
export function timeRange(filter: TimelineFilter, timeZone: string): { since?: number; until?: number } {
  const since = filter.since && boundMs(filter.since, 'since', timeZone);
  const until = filter.until && boundMs(filter.until, 'until', timeZone);
  if (since !== undefined && until !== undefined && until < since) {
    throw invalidInput([{ message: 'until must not be before since', code: 'INVALID_VALUE', in: 'until' }]);
  }
  return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
}

/** Whether the filter narrows the timeline at all. */
export function isFiltered(filter: TimelineFilter): boolean {
  return (
    filter.eventTemplateIds.length > 0 ||
    filter.since !== undefined ||
    filter.until !== undefined ||
    filter.q !== undefined
  );
}
