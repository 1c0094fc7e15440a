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
  // Hostile input
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
  // Rendering: every render is bounded (src/render/render-budget.ts counts; docs/reliability.md)
  /**
   * *Ours*: characters the Handlebars step of one render may put out (the Markdown step's input).
   * HubSpot documents none. The Markdown step (markdown-it, then sanitize-html) is not linear in
   * the worst case (nested brackets, tables, lists): at this size its slowest input took 0.9 s on
   * the loaded 2-core benchmark machine (bench/render-worst.ts), far inside RENDER_TIMEOUT_MS. A
   * timeline card's text is a few KB; a value of 60 KB shown once still renders.
   */
  MAX_RENDER_OUTPUT_CHARS: 64 * 1024,
  /**
   * *Ours*: characters of HTML one render may answer. Markdown can make five times its input (a
   * table row `|1|2|3|` is 8 characters of text and 40 of HTML); the HTML is what the rendered
   * cache keeps and a page of 50 events (header and detail) sends: at most about 6.5 MB, where a
   * 15.8 MB page held the HTTP thread about 90 ms just to send it. Ordinary text grows by its
   * `<p>` tags only: about 60,000 characters of it still fit.
   */
  MAX_RENDER_HTML_CHARS: 64 * 1024,
  /**
   * *Ours*: steps of one render: each value inserted, each block helper called, each `#each`
   * iteration. Output alone does not bound the work: a loop can iterate without writing (an
   * `{{#if}}` filter over every item). Loops up to this took 41-88 ms on the loaded 2-core machine
   * (bench/render-worst.ts; a `formatDate` counts 20 steps, its cost); an `{{#if}}` filter over
   * 99,000 items still renders.
   */
  MAX_RENDER_STEPS: 200_000,
  /**
   * *Ours*: a render runs on the HTTP thread only while it stays within these (a typical header is
   * under a hundred characters and a detail a few hundred, in tens of steps); one that goes past
   * them is run again, with the full limits above, on the render thread, with the same outcome.
   * So the HTTP thread spends little on one render (the slowest Markdown of 1 KB, a new template
   * compiled included: at most 57 ms on the loaded 2-core machine, most under 20 ms;
   * `bench/render-worst.ts --http-thread`), and `/_health` keeps answering.
   */
  HTTP_THREAD_RENDER_OUTPUT_CHARS: 1024,
  HTTP_THREAD_RENDER_STEPS: 1_000,
  /**
   * *Ours*: the longest template source compiled on the HTTP thread. Handlebars compiled about
   * 10 us per character of a template dense with values on the loaded 2-core machine, and a first
   * render compiles three times (the check, the counted and the marked compilation). Longer
   * templates are compiled and rendered on the render thread (HubSpot's own examples are a few
   * hundred characters; its app events allow a header of 1,000).
   */
  HTTP_THREAD_TEMPLATE_CHARS: 1024,
  /**
   * *Ours*: the render thread's wall-clock backstop. The bounds above keep the slowest render
   * measured at about a tenth of it; past it the thread is stopped and replaced and the render
   * fails (`time`), remembered for RENDER_TIME_FAILURE_TTL_MS only, since the machine's load decides it.
   */
  RENDER_TIMEOUT_MS: 10_000,
  RENDER_TIME_FAILURE_TTL_MS: 5 * 60_000,
  /**
   * *Ours*: renders waiting for the render thread. A timeline page waits for its renders one at a
   * time, so this is about concurrent requests; past it a render fails `busy` (not remembered)
   * rather than wait behind minutes of others' work.
   */
  MAX_QUEUED_RENDERS: 256,
  /**
   * *Ours*, checked when a template is saved: nested `#each` blocks whose list is not part of the
   * enclosing item (`../list`, `@root.list`) multiply their lengths. Two lists crossed (rows by
   * columns) are accepted; a third is refused: 250 numbers crossed three times are 15.6 million
   * iterations. Loops over a part of the current item (`{{#each lines}}` in an order) walk the
   * event's own data, bounded by its size, and may nest as deep as the data.
   */
  MAX_CROSSED_LOOPS: 2,
} as const;

export type LimitName = keyof typeof Limits;
export type LimitValues = { -readonly [K in LimitName]: number };
