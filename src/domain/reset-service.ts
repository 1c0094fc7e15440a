/**
 * `POST /_admin/v1/reset`: the state right after start, without a restart. The store empties its
 * tenant tables (all, or one portal's) in one transaction that keeps the start credentials as
 * provisioned, so they work throughout; then the in-memory state goes too: journal, faults,
 * rate-limit windows, rendered HTML of the removed events, and the clock's offset.
 */
import type { MovableClock } from './clock.js';
import type { FaultRules } from './faults.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RequestJournal } from './request-journal.js';
import type { KeptCredentials, Store } from './store.js';

export interface ResetParts {
  store: Store;
  clock: MovableClock;
  journal: RequestJournal;
  faults: FaultRules;
  rateLimiter: RateLimiter;
  /** The start credentials, which stay. */
  keep: KeptCredentials;
  /** Forgets whatever was derived from the removed events (all portals', or one's): rendered HTML. */
  forgetEvents: (portalId?: number) => void;
}

export class ResetService {
  constructor(private readonly parts: ResetParts) {}

  async reset(portalId?: number): Promise<void> {
    const { store, clock, journal, faults, rateLimiter, keep, forgetEvents } = this.parts;
    await store.reset(portalId === undefined ? { keep } : { portalId, keep });
    forgetEvents(portalId);
    journal.clear(portalId);
    faults.clear(portalId);
    rateLimiter.forget(portalId);
    if (portalId === undefined) clock.realTime();
  }
}
