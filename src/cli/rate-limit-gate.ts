/**
 * Paces requests by HubSpot's `X-HubSpot-RateLimit-*` answer headers, so a long import slows down
 * before the rolling window is used up instead of hitting 429 after 429. HubSpot's window is
 * rolling: when it is empty we wait one whole interval; when only a few calls are left we spread
 * them out (interval / max apart) so concurrent workers do not spend them at once.
 */
export interface RateLimitState {
  intervalMs?: number;
  max?: number;
  remaining?: number;
}

export function readRateLimit(headers: Headers): RateLimitState {
  const number = (name: string): number | undefined => {
    const raw = headers.get(name);
    const value = raw === null ? Number.NaN : Number(raw);
    return Number.isFinite(value) ? value : undefined;
  };
  const state: RateLimitState = {};
  const intervalMs = number('x-hubspot-ratelimit-interval-milliseconds');
  const max = number('x-hubspot-ratelimit-max');
  const remaining = number('x-hubspot-ratelimit-remaining');
  if (intervalMs !== undefined) state.intervalMs = intervalMs;
  if (max !== undefined) state.max = max;
  if (remaining !== undefined) state.remaining = remaining;
  return state;
}

export class RateLimitGate {
  private openAt = 0;
  /** Times a request waited for the window, for the summary. */
  waits = 0;

  constructor(
    /** Requests that may be in flight at once: below this many remaining calls we start spacing. */
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Learns from one answer's headers. */
  observe(headers: Headers): void {
    const { intervalMs, max, remaining } = readRateLimit(headers);
    if (intervalMs === undefined || remaining === undefined) return;
    if (remaining <= 0) this.closeFor(intervalMs);
    else if (max !== undefined && max > 0 && remaining < this.concurrency) this.closeFor(intervalMs / max);
  }

  /** Keeps requests back for `ms` (e.g. a 429's Retry-After). */
  closeFor(ms: number): void {
    this.openAt = Math.max(this.openAt, this.now() + ms);
  }

  /** Resolves when a request may be sent. */
  async wait(): Promise<void> {
    let delay = this.openAt - this.now();
    if (delay > 0) this.waits += 1;
    while (delay > 0) {
      await this.sleep(delay);
      delay = this.openAt - this.now();
    }
  }
}
