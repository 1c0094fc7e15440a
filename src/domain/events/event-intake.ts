/**
 * The one intake of timeline events, for both event APIs (v3 events and app event occurrences):
 * each input is checked and turned into a store write by its API's reader, then the valid ones are
 * written through one bounded queue, per item (v3: every valid input is stored, whatever the others
 * do) or all or nothing (app events). Past the queue's limit a request is refused at once (503)
 * rather than waiting behind every other, so latency stays bounded under overload and clients back
 * off and retry. Every outcome is counted here, once, for `/metrics`.
 */
import { ApiError, type ErrorCode, type ErrorParams } from '../../errors.js';
import type { LimitValues } from '../../limits.js';
import type { EventWrite, Store } from '../store.js';
import type { TimelineEvent } from '../types.js';
import { IntakeTurns } from './intake-turns.js';

/** The event APIs whose events are counted apart. */
export type EventApi = 'v3' | 'app-events';

/** Where the intake reports how many events each request stored and refused (`/metrics`). */
export interface IntakeCounter {
  countEvents(api: EventApi, stored: number, refused: number): void;
}

export interface EventIntakeOptions {
  autoCreateRecords: boolean;
  limits: Readonly<LimitValues>;
}

/** What became of one input. */
export type InputOutcome =
  | { ok: true; event: TimelineEvent }
  /** Refused by its API's rules before reaching the store. */
  | { ok: false; stage: 'input'; error: ApiError }
  /** Refused by the store (unknown record, id in use, ...). */
  | { ok: false; stage: 'store'; code: ErrorCode; params: ErrorParams; write: EventWrite }
  /** Valid, but not stored because another input of its all-or-nothing batch failed. */
  | { ok: false; stage: 'not-stored' };

export interface IntakeRequest<I> {
  api: EventApi;
  inputs: readonly I[];
  /**
   * Reads what the inputs need from the store (their templates or types), once per request, and
   * answers the function that turns one input into its store write, or throws the ApiError saying
   * why it has none.
   */
  reader: () => Promise<(input: I, index: number) => EventWrite>;
  /** The request's time: the default timestamp and createdAt of its events. */
  now: number;
  /** All or nothing: when any input fails, none is stored. */
  atomic: boolean;
}

export class EventIntake {
  /** Requests whose writes the store has not answered yet, in all and by API. */
  private pending = 0;
  private readonly pendingByApi: Record<EventApi, number> = { v3: 0, 'app-events': 0 };
  private counter: IntakeCounter | undefined;
  private readonly turns = new IntakeTurns();

  constructor(
    private readonly store: Store,
    private readonly options: EventIntakeOptions,
  ) {}

  /** The limits every input is checked against. */
  get limits(): Readonly<LimitValues> {
    return this.options.limits;
  }

  /** Where outcomes are counted from now on. */
  countInto(counter: IntakeCounter): void {
    this.counter = counter;
  }

  /** Event-create requests of `api` waiting for the store now (the queue depth `/metrics` shows). */
  pendingWrites(api: EventApi): number {
    return this.pendingByApi[api];
  }

  /**
   * Waits for this create request's turn (`intake-turns.ts`): the services call it before they read
   * a body, so each request's CPU work runs in a turn of the event loop of its own.
   */
  admit(): Promise<void> {
    return this.turns.next();
  }

  /** Counts a request refused as a whole before its inputs were read (a body that does not parse). */
  refused(api: EventApi, inputs: number): void {
    this.counter?.countEvents(api, 0, inputs);
  }

  /** One outcome per input, in input order; OVERLOADED (503) when the queue is full. */
  async take<I>(request: IntakeRequest<I>): Promise<InputOutcome[]> {
    const outcomes = await this.run(request).catch((error: unknown) => {
      this.refused(request.api, request.inputs.length);
      throw error;
    });
    const stored = outcomes.filter((outcome) => outcome.ok).length;
    this.counter?.countEvents(request.api, stored, outcomes.length - stored);
    return outcomes;
  }

  private async run<I>(request: IntakeRequest<I>): Promise<InputOutcome[]> {
    const prepare = await request.reader();
    const outcomes: InputOutcome[] = new Array(request.inputs.length);
    const writes: EventWrite[] = [];
    const writeIndexes: number[] = [];
    request.inputs.forEach((input, index) => {
      try {
        writes.push(prepare(input, index));
        writeIndexes.push(index);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        outcomes[index] = { ok: false, stage: 'input', error };
      }
    });
    const anyRefused = writes.length < request.inputs.length;
    if (writes.length === 0 || (request.atomic && anyRefused)) {
      for (const index of writeIndexes) outcomes[index] = { ok: false, stage: 'not-stored' };
      return outcomes;
    }
    const written = await this.write(request.api, writes, request.now, request.atomic);
    // The answer is built in a turn of its own too: a group commit answers a dozen batches at once.
    await this.turns.next();
    written.forEach((result, i) => {
      const index = writeIndexes[i] as number;
      if (result.ok) outcomes[index] = { ok: true, event: result.event };
      else if (result.code === 'EVENT_NOT_STORED') outcomes[index] = { ok: false, stage: 'not-stored' };
      else
        outcomes[index] = {
          ok: false,
          stage: 'store',
          code: result.code,
          params: result.params,
          write: writes[i] as EventWrite,
        };
    });
    return outcomes;
  }

  private async write(api: EventApi, writes: EventWrite[], now: number, atomic: boolean) {
    if (this.pending >= this.options.limits.MAX_PENDING_WRITES) {
      throw new ApiError('OVERLOADED', { pending: this.pending });
    }
    this.pending += 1;
    this.pendingByApi[api] += 1;
    try {
      return await this.store.writeEvents(writes, {
        autoCreateRecords: this.options.autoCreateRecords,
        now,
        ...(atomic ? { atomic: true } : {}),
      });
    } finally {
      this.pending -= 1;
      this.pendingByApi[api] -= 1;
    }
  }
}

/** The input field each store-side failure is about, for the error's `in`. */
const STORE_FAILURE_FIELDS: Partial<Record<ErrorCode, string>> = {
  RECORD_NOT_FOUND: 'objectId',
  UTK_NOT_FOUND: 'utk',
  EMAIL_IN_USE: 'email',
  EVENT_ID_IN_USE: 'id',
  CONTACT_EXISTS: 'email',
};

/** The field a failed write names in its error, or `otherwise` when the failure is about the whole input. */
export function failedWriteField(code: ErrorCode, otherwise: string): string {
  return STORE_FAILURE_FIELDS[code] ?? otherwise;
}
