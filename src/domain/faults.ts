/**
 * Fault injection (`/_admin/v1/faults`, `server.addFault`, the `X-Timeline-Fault` header): the next
 * `times` requests that match (or each one with probability `p`, drawn from a generator seeded with
 * `seed`, so a run is reproducible) get the fault's effect (`fault-kinds.ts`). The HTTP hook asks
 * `take()` once the request is authenticated and counted; a fault `before` the route answers in its
 * place (nothing is stored), a fault `after` it lets the route run and breaks its answer.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type ErrorDetail, invalidInput } from '../errors.js';
import type { IdGenerator } from './clock.js';
import {
  FAULT_HEADER_NAME,
  type FaultEffect,
  FaultEffectSchema,
  type FaultInput,
  FaultInputSchema,
  type FaultMatch,
  parseFaultHeader,
  resolveEffect,
} from './fault-kinds.js';
import { pathMatcher } from './path-match.js';
import { schemaCheck } from './schema-check.js';

export * from './fault-kinds.js';

/** A fault as `GET /_admin/v1/faults` shows it: what it was given, resolved, and its counts. */
export type Fault = Omit<FaultInput, 'times'> & {
  id: string;
  match: FaultMatch;
  when: FaultEffect['when'];
  /** How many more matching requests it answers; absent: every one until cleared. */
  remaining?: number;
  /** Requests it has answered so far. */
  fired: number;
};

/** The fault a request got: its effect, and where it came from. */
export type FiredFault = FaultEffect & { id: string } & (
    | { source: 'rule' }
    | { source: 'header'; header: string }
  );

/** What a request is matched on. */
export interface FaultTarget {
  method: string;
  path: string;
  portalId?: number;
}

interface ActiveFault {
  fault: Fault;
  effect: FaultEffect;
  matchesPath: (path: string) => boolean;
  draw?: () => number;
}

const checkInput = schemaCheck(FaultInputSchema);
const checkEffect = schemaCheck(FaultEffectSchema);

/** A fault from code (`server.addFault`): the route's schema, run here, refuses what it refuses. */
export function readFaultInput(value: unknown): FaultInput {
  const problems = checkInput(value);
  if (problems.length > 0) throw invalidInput(problems);
  return value as FaultInput;
}

export class FaultRules {
  private active: ActiveFault[] = [];

  constructor(private readonly ids: IdGenerator) {}

  /** Adds a fault of a schema-valid input; a combination its kind cannot act on is a 400. */
  add(input: FaultInput): Fault {
    const effect = resolveEffect(input);
    if (Array.isArray(effect)) throw invalidInput(effect);
    const match: FaultMatch = { ...input.match };
    if (match.method !== undefined) match.method = match.method.toUpperCase();
    const { times, seed, match: _given, ...rest } = input;
    const fault: Fault = {
      ...rest,
      ...effectFields(effect),
      when: effect.when,
      id: this.ids.uuid(),
      match,
      fired: 0,
    };
    if (times !== undefined) fault.remaining = times;
    const active: ActiveFault = {
      fault,
      effect,
      matchesPath: match.path ? pathMatcher(match.path) : () => true,
    };
    if (fault.probability !== undefined) {
      // A seed not given is chosen here and shown in the listing, so the run can be repeated.
      fault.seed = seed ?? Number.parseInt(this.ids.secret(4), 16) | 0;
      const generator = xoroshiro128plus(fault.seed);
      active.draw = () => uniformFloat64(generator);
    }
    this.active.push(active);
    return copy(fault);
  }

  /** The fault that answers this request, if any (counting it), in the order the faults were added. */
  take(target: FaultTarget): FiredFault | undefined {
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
      return { ...entry.effect, id: fault.id, source: 'rule' };
    }
    return undefined;
  }

  list(): Fault[] {
    return this.active.map(({ fault }) => copy(fault));
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

/**
 * The fault a request names in its `X-Timeline-Fault` header (honoured only where the server allows
 * it), checked as a rule is; a header that is not one is a 400 naming the header.
 */
export function headerFault(value: string): FiredFault {
  const fields = parseFaultHeader(value);
  const problems = checkEffect(fields);
  const effect = problems.length > 0 ? problems : resolveEffect(fields);
  if (Array.isArray(effect)) {
    throw invalidInput(effect.map((problem) => underHeader(problem)));
  }
  return { ...effect, id: 'header', source: 'header', header: value };
}

function underHeader(problem: ErrorDetail): ErrorDetail {
  return { ...problem, message: `${FAULT_HEADER_NAME}: ${problem.message}`, in: FAULT_HEADER_NAME };
}

/** The fields of an effect a listing shows (its kind is implied by them, as in the input). */
function effectFields(effect: FaultEffect): Partial<Fault> {
  const { kind: _kind, ...fields } = effect;
  return fields;
}

function copy(fault: Fault): Fault {
  return { ...fault, match: { ...fault.match } };
}
