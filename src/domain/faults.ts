/**
 * Fault injection (`/_admin/v1/faults`): the next `times` requests that match (or each one with
 * probability `p`, drawn from a generator seeded with `seed`, so a run is reproducible) answer with
 * HubSpot's error for `status`, or wait `delayMs` first. The HTTP hook asks `take()` before the route
 * runs, so a faulted request changes nothing stored.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type ErrorDetail, invalidInput } from '../errors.js';
import type { IdGenerator } from './clock.js';
import { isObject } from './json.js';
import { pathMatcher } from './path-match.js';

/** The statuses a fault may answer with: HubSpot's rate limit and its server-side failures. */
export const FAULT_STATUSES = [429, 500, 502, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];
/** *Ours*: the longest injected delay, so a forgotten fault cannot hang a suite for long. */
export const MAX_FAULT_DELAY_MS = 120_000;

export interface FaultMatch {
  method?: string;
  path?: string;
  portalId?: number;
}

/** A fault as `GET /_admin/v1/faults` shows it. */
export interface Fault {
  id: string;
  match: FaultMatch;
  status?: FaultStatus;
  delayMs?: number;
  /** How many more matching requests it answers; absent: every one until cleared. */
  remaining?: number;
  probability?: number;
  seed?: number;
  /** Requests it has answered so far. */
  fired: number;
}

/** What a request is matched on. */
export interface FaultTarget {
  method: string;
  path: string;
  portalId?: number;
}

interface ActiveFault {
  fault: Fault;
  matchesPath: (path: string) => boolean;
  draw?: () => number;
}

function integerField(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  problems: ErrorDetail[],
  where = field,
): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push({
    message: `${where} must be an integer from ${min} to ${max}`,
    code: 'INVALID_VALUE',
    in: where,
  });
  return undefined;
}

export class FaultRules {
  private active: ActiveFault[] = [];

  constructor(private readonly ids: IdGenerator) {}

  /** Validates a `POST /_admin/v1/faults` body (every problem in one 400) and adds the fault. */
  add(body: unknown): Fault {
    if (!isObject(body))
      throw invalidInput([{ message: 'The body must be a JSON object', code: 'INVALID_TYPE', in: 'body' }]);
    const problems: ErrorDetail[] = [];
    const match: FaultMatch = {};
    if (body.match !== undefined) {
      if (!isObject(body.match)) {
        problems.push({ message: 'match must be an object', code: 'INVALID_TYPE', in: 'match' });
      } else {
        const { method, path } = body.match;
        if (method !== undefined) {
          if (typeof method === 'string' && /^[A-Za-z]+$/.test(method)) match.method = method.toUpperCase();
          else
            problems.push({
              message: 'match.method must be an HTTP method',
              code: 'INVALID_TYPE',
              in: 'match.method',
            });
        }
        if (path !== undefined) {
          if (typeof path === 'string' && path.startsWith('/')) match.path = path;
          else
            problems.push({
              message: 'match.path must be a path prefix or glob starting with /',
              code: 'INVALID_FORMAT',
              in: 'match.path',
            });
        }
        const portalId = integerField(body.match, 'portalId', 1, 2 ** 53 - 1, problems, 'match.portalId');
        if (portalId !== undefined) match.portalId = portalId;
      }
    }
    const fault: Fault = { id: this.ids.uuid(), match, fired: 0 };
    if (body.status !== undefined) {
      if ((FAULT_STATUSES as readonly unknown[]).includes(body.status))
        fault.status = body.status as FaultStatus;
      else
        problems.push({
          message: `status must be one of ${FAULT_STATUSES.join(', ')}`,
          code: 'INVALID_ENUM',
          in: 'status',
        });
    }
    const delayMs = integerField(body, 'delayMs', 0, MAX_FAULT_DELAY_MS, problems);
    if (delayMs !== undefined) fault.delayMs = delayMs;
    const times = integerField(body, 'times', 1, 2 ** 31 - 1, problems);
    if (times !== undefined) fault.remaining = times;
    if (body.probability !== undefined) {
      const p = body.probability;
      if (typeof p === 'number' && p > 0 && p <= 1) fault.probability = p;
      else
        problems.push({
          message: 'probability must be a number above 0 and at most 1',
          code: 'INVALID_VALUE',
          in: 'probability',
        });
    }
    const seed = integerField(body, 'seed', -(2 ** 31), 2 ** 31 - 1, problems);
    if (body.status === undefined && body.delayMs === undefined) {
      problems.push({ message: 'give status, delayMs, or both', code: 'REQUIRED_FIELD', in: 'status' });
    }
    if (problems.length > 0) throw invalidInput(problems);
    const active: ActiveFault = { fault, matchesPath: match.path ? pathMatcher(match.path) : () => true };
    if (fault.probability !== undefined) {
      // A seed not given is chosen here and shown in the listing, so the run can be repeated.
      fault.seed = seed ?? Number.parseInt(this.ids.secret(4), 16) | 0;
      const generator = xoroshiro128plus(fault.seed);
      active.draw = () => uniformFloat64(generator);
    }
    this.active.push(active);
    return { ...fault, match: { ...match } };
  }

  /** The fault that answers this request, if any (counting it), in the order the faults were added. */
  take(target: FaultTarget): Fault | undefined {
    if (this.active.length === 0) return undefined;
    for (const entry of this.active) {
      const { fault } = entry;
      const { match } = fault;
      if (match.method !== undefined && match.method !== target.method) continue;
      if (match.portalId !== undefined && match.portalId !== target.portalId) continue;
      if (!entry.matchesPath(target.path)) continue;
      if (entry.draw && entry.draw() >= (fault.probability as number)) continue;
      fault.fired += 1;
      if (fault.remaining !== undefined) {
        fault.remaining -= 1;
        if (fault.remaining === 0) this.active = this.active.filter((other) => other !== entry);
      }
      return fault;
    }
    return undefined;
  }

  list(): Fault[] {
    return this.active.map(({ fault }) => ({ ...fault, match: { ...fault.match } }));
  }

  /** Removes one fault; false when no fault has that id. */
  remove(id: string): boolean {
    const before = this.active.length;
    this.active = this.active.filter((entry) => entry.fault.id !== id);
    return this.active.length < before;
  }

  /** Removes every fault, or those that match only one portal's requests. */
  clear(portalId?: number): void {
    this.active =
      portalId === undefined ? [] : this.active.filter((entry) => entry.fault.match.portalId !== portalId);
  }
}
