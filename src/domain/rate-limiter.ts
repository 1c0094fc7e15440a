/**
 * HubSpot's rate limits, applied per app and portal: a rolling window (`X-HubSpot-RateLimit-*`) and a
 * daily count for non-OAuth credentials. The policy is the portal's own setting or the server's.
 *
 * Where the counts live depends on the store (`Store.sharedRequestCounts`): on PostgreSQL every
 * request is counted in the database (one round trip, atomic across processes, so N processes never
 * allow N times the limit); on SQLite one process owns the file, so windows are counted here in
 * memory (one-second buckets; nothing but arithmetic on the request path) and the daily totals are
 * written to the store every few seconds and at close, so a restart does not refill a day.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';
import { MAX_WINDOW_SECONDS, parseRateLimit, type RateLimitPolicy } from './rate-limit-policy.js';
import type { DailyRequestCount, RequestCountHit, RequestCountResult, Store } from './store.js';

/** Who a request is counted against. `portalId` 0: developer-key calls, which have no portal. */
export interface RateSubject {
  portalId: number;
  appId: number;
  /** Whether the daily count applies: non-OAuth credentials (private-app tokens, developer keys). */
  daily: boolean;
}

export interface RateDecision {
  policy: RateLimitPolicy;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Requests left today, when the daily limit applies to this subject. */
  dailyRemaining?: number;
  /** HubSpot's `policyName` of the limit that refused the request. */
  refusedBy?: 'TEN_SECONDLY_ROLLING' | 'DAILY';
}

const DAY_MS = 86_400_000;
/** How often the daily totals of a process-local counter are written to the store. */
const DAILY_FLUSH_MS = 5_000;
/** How long a portal's setting is trusted when other processes may change it (shared stores). */
const SHARED_SETTING_TTL_MS = 1_000;

interface Window {
  seconds: Float64Array;
  counts: Uint32Array;
}

interface Daily {
  portalId: number;
  appId: number;
  hits: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private daily = new Map<string, Daily>();
  private dailyDay = -1;
  private dirty = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly settings: LRUCache<number, { policy: RateLimitPolicy | null }>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly defaultPolicy: RateLimitPolicy | null,
  ) {
    this.settings = new LRUCache({
      max: 10_000,
      ...(store.sharedRequestCounts ? { ttl: SHARED_SETTING_TTL_MS, ttlAutopurge: false } : {}),
    });
  }

  /** Loads today's persisted daily totals and starts writing them back (process-local counts only). */
  async start(): Promise<void> {
    if (this.store.sharedRequestCounts) return;
    await this.loadDaily(this.today());
    this.flushTimer = setInterval(() => void this.flush().catch(() => {}), DAILY_FLUSH_MS);
    this.flushTimer.unref();
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
  }

  /** Counts the request, or says which limit refuses it; undefined when no limit applies. */
  async check(subject: RateSubject): Promise<RateDecision | undefined> {
    const policy = await this.policyFor(subject.portalId);
    if (!policy) return undefined;
    const now = this.clock.now();
    const hit: RequestCountHit = {
      portalId: subject.portalId,
      appId: subject.appId,
      second: Math.floor(now / 1000),
      windowSeconds: policy.intervalMs / 1000,
      max: policy.max,
      day: Math.floor(now / DAY_MS),
      dailyMax: subject.daily && policy.daily !== undefined ? policy.daily : null,
    };
    const counted = this.store.sharedRequestCounts
      ? await this.store.countRequest(hit)
      : this.countLocally(hit);
    const decision: RateDecision = { policy, remaining: Math.max(0, policy.max - counted.windowCount) };
    if (hit.dailyMax !== null) decision.dailyRemaining = Math.max(0, hit.dailyMax - counted.dailyCount);
    if (counted.refusedBy)
      decision.refusedBy = counted.refusedBy === 'window' ? 'TEN_SECONDLY_ROLLING' : 'DAILY';
    return decision;
  }

  /** The portal's own setting, validated; null clears it (the server's default applies again). */
  async setPortalSetting(portalId: number, setting: string | null): Promise<void> {
    if (setting !== null) parseRateLimit(setting);
    await this.store.setPortalRateLimit(portalId, setting);
    this.settings.delete(portalId);
  }

  /** Forgets counts (of one portal, or all) kept in this process; the store's go with `Store.reset`. */
  forget(portalId?: number): void {
    if (portalId === undefined) {
      this.windows.clear();
      this.daily.clear();
      this.settings.clear();
      this.dirty = false;
      return;
    }
    const prefix = `${portalId}:`;
    for (const key of this.windows.keys()) if (key.startsWith(prefix)) this.windows.delete(key);
    for (const key of this.daily.keys()) if (key.startsWith(prefix)) this.daily.delete(key);
    this.settings.delete(portalId);
  }

  private async policyFor(portalId: number): Promise<RateLimitPolicy | null> {
    const cached = this.settings.get(portalId);
    if (cached) return cached.policy;
    // Developer-key calls (portal 0) and portals without a setting of their own: the server's.
    const setting = portalId === 0 ? undefined : await this.store.getPortalRateLimit(portalId);
    let policy = this.defaultPolicy;
    if (setting !== undefined) {
      try {
        policy = parseRateLimit(setting);
      } catch {
        // Validated when set; a value this version cannot read falls back to the default.
      }
    }
    this.settings.set(portalId, { policy });
    return policy;
  }

  private today(): number {
    return Math.floor(this.clock.now() / DAY_MS);
  }

  /** The in-process count: a ring of one-second buckets per key, and the day's total. */
  private countLocally(hit: RequestCountHit): RequestCountResult {
    const key = `${hit.portalId}:${hit.appId}`;
    let window = this.windows.get(key);
    if (!window) {
      window = {
        seconds: new Float64Array(MAX_WINDOW_SECONDS).fill(-1),
        counts: new Uint32Array(MAX_WINDOW_SECONDS),
      };
      this.windows.set(key, window);
    }
    let windowCount = 0;
    for (let back = 0; back < hit.windowSeconds; back++) {
      const second = hit.second - back;
      const slot = second % MAX_WINDOW_SECONDS;
      if (window.seconds[slot] === second) windowCount += window.counts[slot] as number;
    }
    if (hit.day !== this.dailyDay) this.rollDay(hit.day);
    let daily = this.daily.get(key);
    const dailyCount = daily?.hits ?? 0;
    if (windowCount >= hit.max) return { windowCount, dailyCount, refusedBy: 'window' };
    if (hit.dailyMax !== null && dailyCount >= hit.dailyMax)
      return { windowCount, dailyCount, refusedBy: 'daily' };
    const slot = hit.second % MAX_WINDOW_SECONDS;
    if (window.seconds[slot] !== hit.second) {
      window.seconds[slot] = hit.second;
      window.counts[slot] = 0;
    }
    window.counts[slot] = (window.counts[slot] as number) + 1;
    if (!daily) {
      daily = { portalId: hit.portalId, appId: hit.appId, hits: 0 };
      this.daily.set(key, daily);
    }
    daily.hits += 1;
    this.dirty = true;
    return { windowCount: windowCount + 1, dailyCount: dailyCount + 1 };
  }

  /** A new day: the old day's totals are written, and counting starts again from zero. */
  private rollDay(day: number): void {
    if (this.dirty && this.dailyDay >= 0) {
      const previous = { day: this.dailyDay, counts: [...this.daily.values()] };
      void this.store.saveDailyRequestCounts(previous.day, previous.counts).catch(() => {});
    }
    this.daily = new Map();
    this.dailyDay = day;
    this.dirty = false;
  }

  private async loadDaily(day: number): Promise<void> {
    const counts = await this.store.loadDailyRequestCounts(day);
    this.daily = new Map(counts.map((c) => [`${c.portalId}:${c.appId}`, { ...c }]));
    this.dailyDay = day;
  }

  private async flush(): Promise<void> {
    if (!this.dirty || this.dailyDay < 0) return;
    this.dirty = false;
    const counts: DailyRequestCount[] = [...this.daily.values()].map((d) => ({ ...d }));
    try {
      await this.store.saveDailyRequestCounts(this.dailyDay, counts);
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }
}
