/**
 * `POST /_admin/v1/reset`: the state right after start, without a restart. The store empties its
 * tenant tables (all, or one portal's), the start credentials are provisioned again (the same ones:
 * given, or remembered in meta), and the in-memory state goes too: journal, faults, rate-limit
 * windows, and the clock's offset.
 */
import type { MovableClock } from './clock.js';
import type { FaultRules } from './faults.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RequestJournal } from './request-journal.js';
import type { Store } from './store.js';

export interface ResetParts {
  store: Store;
  clock: MovableClock;
  journal: RequestJournal;
  faults: FaultRules;
  rateLimiter: RateLimiter;
  /** Provisions the start credentials again (idempotent). */
  provision: () => Promise<unknown>;
}

export class ResetService {
  constructor(private readonly parts: ResetParts) {}

  async reset(portalId?: number): Promise<void> {
    const { store, clock, journal, faults, rateLimiter, provision } = this.parts;
    await store.reset(portalId === undefined ? {} : { portalId });
    journal.clear(portalId);
    faults.clear(portalId);
    rateLimiter.forget(portalId);
    if (portalId === undefined) clock.realTime();
    await provision();
  }
}
