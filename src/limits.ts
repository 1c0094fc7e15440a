/**
 * HubSpot's documented limits, and ours where HubSpot is silent (marked *ours*). Every limit the
 * server enforces is named here; `config.ts` may override the ones marked overridable.
 */
export const Limits = {
  /** HubSpot: at most 750 event templates per app. */
  MAX_TEMPLATES_PER_APP: 750,
  /** *Ours* (overridable): tokens per template. */
  MAX_TOKENS_PER_TEMPLATE: 500,
  /** *Ours* (overridable): inputs in one batch request. */
  MAX_BATCH_INPUTS: 500,
  /** HubSpot: an event id is at most 500 bytes (UTF-8). */
  MAX_EVENT_ID_BYTES: 500,
  /** HubSpot: one token value is at most 510 KB. */
  MAX_TOKEN_VALUE_BYTES: 510 * 1024,
  /** HubSpot: one whole event is at most 1 MB. */
  MAX_EVENT_BYTES: 1024 * 1024,
  /** *Ours* (overridable): a request body; 500 events of real-world size fit well within. */
  MAX_BODY_BYTES: 50 * 1024 * 1024,
  /**
   * *Ours*: event-write requests waiting for the SQLite writer at once. Past it the server answers
   * 503 at once instead of letting the queue (and every caller's latency) grow without bound.
   */
  MAX_PENDING_WRITES: 256,
  /** *Ours*: page size of CRM object lists (HubSpot's own maximum is 100). */
  MAX_PAGE_SIZE: 100,
  // issue 12: hostile input
  /**
   * *Ours*: how deeply an event's `extraData` may nest (objects and arrays). HubSpot is silent;
   * Jackson's own default (StreamReadConstraints) is 1000, but a value this deep is never data a
   * timeline shows, and every walk of it (fingerprint, size, JSON columns) is bounded by it.
   */
  MAX_EXTRA_DATA_DEPTH: 64,
  /**
   * *Ours*: how deeply any JSON request body may nest. Checked once after parsing, before any route
   * reads the body, so no recursive code downstream can run out of stack on a hostile body.
   */
  MAX_BODY_DEPTH: 100,
} as const;

export type LimitName = keyof typeof Limits;
export type LimitValues = { -readonly [K in LimitName]: number };
