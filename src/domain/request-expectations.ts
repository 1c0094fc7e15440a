/**
 * Verification over the request journal, as WireMock's `verify` gives: `server.expectRequests()`
 * checks how many recorded requests match and, when the count is wrong, fails with what was
 * expected beside the closest requests seen (what differs in each); `server.waitForRequest()`
 * waits, in real time, until a matching request is recorded, instead of a test sleeping.
 */
import { AssertionError } from 'node:assert';
import Type from 'typebox';
import { invalidInput } from '../errors.js';
import { pathMatcher } from './path-match.js';
import {
  entryMatches,
  type JournalEntry,
  type JournalFilter,
  type RequestJournal,
} from './request-journal.js';
import { schemaCheck } from './schema-check.js';

const Count = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });

export const RequestMatchSchema = Type.Object(
  {
    path: Type.Optional(Type.String({ pattern: '^/' })),
    method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$' })),
    status: Type.Optional(Type.Integer({ minimum: 0, maximum: 599 })),
    portalId: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);

export const RequestExpectationSchema = Type.Object(
  {
    ...RequestMatchSchema.properties,
    count: Type.Optional(Count),
    atLeast: Type.Optional(Count),
    atMost: Type.Optional(Count),
  },
  { additionalProperties: false },
);

/** Which journal entries a check is about: `path` a prefix, or a glob with `*`, `?`, `[` or `{`. */
export type RequestMatch = Type.Static<typeof RequestMatchSchema>;
/** A match and how many requests it should find: `count` exactly, or `atLeast`/`atMost` (default: at least 1). */
export type RequestExpectation = Type.Static<typeof RequestExpectationSchema>;

const checkExpectation = schemaCheck(RequestExpectationSchema);

/** The journal filter of a match. */
export function journalFilter(match: RequestMatch): JournalFilter {
  const filter: JournalFilter = {};
  if (match.path !== undefined) filter.pathMatches = pathMatcher(match.path);
  if (match.method !== undefined) filter.method = match.method.toUpperCase();
  if (match.status !== undefined) filter.status = match.status;
  if (match.portalId !== undefined) filter.portalId = match.portalId;
  return filter;
}

function validated(expectation: RequestExpectation): RequestExpectation {
  const problems = checkExpectation(expectation);
  // An exact count and bounds would say two things: one or the other.
  if (
    problems.length === 0 &&
    expectation.count !== undefined &&
    (expectation.atLeast ?? expectation.atMost) !== undefined
  )
    problems.push({
      message: 'give count, or atLeast and atMost, not both',
      code: 'INVALID_VALUE',
      in: 'count',
    });
  if (problems.length > 0) throw invalidInput(problems);
  return expectation;
}

/** The matching entries, newest first; throws an AssertionError saying what was seen when the count is off. */
export function expectRequests(journal: RequestJournal, expectation: RequestExpectation): JournalEntry[] {
  const { count, atLeast, atMost, ...match } = validated(expectation);
  const matched = journal.list(journalFilter(match));
  const low = count ?? atLeast ?? (atMost === undefined ? 1 : 0);
  const high = count ?? atMost ?? Number.POSITIVE_INFINITY;
  if (matched.length >= low && matched.length <= high) return matched;
  const wanted =
    count !== undefined
      ? `exactly ${count}`
      : high === Number.POSITIVE_INFINITY
        ? `at least ${low}`
        : low === 0
          ? `at most ${high}`
          : `from ${low} to ${high}`;
  throw new AssertionError({
    message: report(
      journal,
      match,
      `Expected ${wanted} ${plural(high === Number.POSITIVE_INFINITY ? low : high, 'request')} matching`,
      matched.length,
    ),
    actual: matched.length,
    expected: count ?? (matched.length < low ? low : high),
    operator: 'expectRequests',
  });
}

/**
 * The newest matching entry once the journal holds at least `atLeast` (default 1) of them, counting
 * those already there; after `timeoutMs` of real time (default 5000), an AssertionError saying what
 * was seen instead.
 */
export function waitForRequest(
  journal: RequestJournal,
  expectation: RequestMatch & { atLeast?: number },
  options: { timeoutMs?: number } = {},
): Promise<JournalEntry> {
  const { atLeast = 1, ...match } = validated(expectation);
  const timeoutMs = options.timeoutMs ?? 5000;
  const filter = journalFilter(match);
  const found = () =>
    journal.countOf(filter) >= atLeast ? journal.list({ ...filter, limit: 1 })[0] : undefined;
  const now = found();
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const stop = journal.subscribe((entry) => {
      if (!entryMatches(entry, filter)) return;
      const done = found();
      if (!done) return;
      finish();
      resolve(done);
    });
    const timer = setTimeout(() => {
      finish();
      const prefix = `Waited ${timeoutMs} ms for ${atLeast === 1 ? 'a request' : `${atLeast} requests`} matching`;
      reject(new AssertionError({ message: report(journal, match, prefix, journal.countOf(filter)) }));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      stop();
    };
  });
}

const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);

/** The criteria of a match as a reader writes them: `POST /crm/v3/objects/** status 201 portal 7`. */
function describeMatch(match: RequestMatch): string {
  const parts = [match.method?.toUpperCase() ?? 'any method', match.path ?? 'any path'];
  if (match.status !== undefined) parts.push(`status ${match.status}`);
  if (match.portalId !== undefined) parts.push(`portal ${match.portalId}`);
  return parts.join(' ');
}

/** What differs between an entry and the match: `method GET, not POST; status 400, not 201`. */
function differences(entry: JournalEntry, match: RequestMatch): string[] {
  const out: string[] = [];
  const path = entry.path.split('?')[0] ?? '';
  if (match.method !== undefined && entry.method !== match.method.toUpperCase())
    out.push(`method ${entry.method}, not ${match.method.toUpperCase()}`);
  if (match.path !== undefined && !pathMatcher(match.path)(path)) out.push(`path ${path}, not ${match.path}`);
  if (match.status !== undefined && entry.status !== match.status)
    out.push(`status ${entry.status}, not ${match.status}`);
  if (match.portalId !== undefined && entry.portalId !== match.portalId)
    out.push(`portal ${entry.portalId ?? 'none'}, not ${match.portalId}`);
  return out;
}

/** The message: what was expected, how many matched, and the closest requests the journal holds. */
function report(journal: RequestJournal, match: RequestMatch, prefix: string, matched: number): string {
  const entries = journal.list();
  const lines = [`${prefix} ${describeMatch(match)}; the journal has ${matched}.`];
  const ranked = entries
    .map((entry, newest) => ({ entry, newest, diff: differences(entry, match) }))
    .sort((a, b) => a.diff.length - b.diff.length || a.newest - b.newest)
    .slice(0, 5);
  if (ranked.length === 0) lines.push('The journal is empty: no request reached HubSpot routes.');
  else lines.push('Closest requests seen (fewest differences first):');
  for (const { entry, diff } of ranked) {
    const seen = `${entry.method} ${entry.path} → ${entry.status}`;
    lines.push(`  ${seen}${diff.length > 0 ? `  (${diff.join('; ')})` : '  (matches)'}`);
  }
  lines.push(`(The journal keeps the last ${journal.size} requests; it holds ${entries.length}.)`);
  return lines.join('\n');
}
