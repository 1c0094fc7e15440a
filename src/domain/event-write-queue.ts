/**
 * The store's event writer as both event APIs use it (v3 events and app event occurrences): behind a
 * bounded queue, and with the input field each store-side failure is about. Past the limit a request
 * is refused at once (503) rather than waiting behind every other, so latency stays bounded under
 * overload and clients back off and retry.
 */
import { ApiError, type ErrorCode } from '../errors.js';
import type { LimitValues } from '../limits.js';
import type { EventWrite, EventWriteOptions, EventWriteResult, Store } from './store.js';

export interface EventWriteQueueOptions {
  autoCreateRecords: boolean;
  limits: Readonly<LimitValues>;
}

export class EventWriteQueue {
  /** Requests whose writes the store has not answered yet. */
  private pending = 0;

  constructor(
    private readonly store: Store,
    private readonly options: EventWriteQueueOptions,
  ) {}

  /** Event-create requests waiting for the store now (the write queue's depth, shown by /metrics). */
  get pendingWriteCount(): number {
    return this.pending;
  }

  /** The store's answer for each write, in order; OVERLOADED (503) when the queue is full. */
  async write(
    writes: EventWrite[],
    options: Omit<EventWriteOptions, 'autoCreateRecords'>,
  ): Promise<EventWriteResult[]> {
    if (this.pending >= this.options.limits.MAX_PENDING_WRITES) {
      throw new ApiError('OVERLOADED', { pending: this.pending });
    }
    this.pending += 1;
    try {
      return await this.store.writeEvents(writes, {
        autoCreateRecords: this.options.autoCreateRecords,
        ...options,
      });
    } finally {
      this.pending -= 1;
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
