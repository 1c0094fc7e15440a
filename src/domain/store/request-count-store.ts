/** Rate-limit counts (per second window and per portal day) and each portal's own rate-limit setting. */

/** One request counted against its app and portal's limits (see `Store.countRequest`). */
export interface RequestCountHit {
  portalId: number;
  appId: number;
  /** Epoch second of the request (by the server's clock). */
  second: number;
  /** The rolling window, whole seconds: the request's second and the `windowSeconds - 1` before it. */
  windowSeconds: number;
  /** Requests allowed in the window. */
  max: number;
  /**
   * The day of the request, as days since 1970-01-01 of the portal's local date (HubSpot's daily
   * limit resets at midnight in the portal's time zone; see `localDay`).
   */
  day: number;
  /** Requests allowed that day, or null for no daily limit (OAuth calls, marketplace apps). */
  dailyMax: number | null;
  /**
   * Requests to claim at once, a lease the caller spends itself within `second` (default 1; 0 claims
   * nothing and only gives back). The store grants between 1 and `want`, never more than an eighth of
   * what is left in the window or of the day (at least 1): near a limit every request is counted on
   * its own, so leases held by other processes never make the total exceed a limit.
   */
  want?: number;
  /** Requests claimed earlier for `second` of this same `day` and not spent: uncounted first. */
  giveBack?: { second: number; count: number };
}

export interface RequestCountResult {
  /** Requests counted in the window, this one included when it was allowed. */
  windowCount: number;
  /** Requests counted that day, this one included when it was allowed. */
  dailyCount: number;
  /** Requests claimed and counted (all of them in the window and the day): 0 when refused. */
  granted: number;
  /** The limit that refused the request (a refused request is not counted). */
  refusedBy?: 'window' | 'daily';
}

export interface DailyRequestCount {
  portalId: number;
  appId: number;
  hits: number;
}

export interface RequestCountStore {
  /**
   * Whether request counts are shared by every process on this database, so the server counts each
   * request with `countRequest` (PostgreSQL); otherwise one process owns the database and keeps its
   * windows in memory, persisting daily totals with `saveDailyRequestCounts` (SQLite).
   */
  readonly sharedRequestCounts: boolean;
  /**
   * Counts one request (or claims a lease of `want`) against its window and day, atomically across
   * processes: allowed only when both counts are under their limits, and counted only when allowed.
   */
  countRequest(hit: RequestCountHit): Promise<RequestCountResult>;
  loadDailyRequestCounts(day: number): Promise<DailyRequestCount[]>;
  /** Sets each count of that day to the given total (a total, not an increment). */
  saveDailyRequestCounts(day: number, counts: DailyRequestCount[]): Promise<void>;
  /** The portal's own rate-limit setting (`RATE_LIMIT_SYNTAX`); null clears it. */
  setPortalRateLimit(portalId: number, rateLimit: string | null): Promise<void>;
  getPortalRateLimit(portalId: number): Promise<string | undefined>;
}
