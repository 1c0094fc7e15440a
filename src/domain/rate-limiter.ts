/**
 * HubSpot's rate limits, applied per app and portal: a rolling window (`X-HubSpot-RateLimit-*`) and a
 * daily count for non-OAuth credentials, which resets at midnight in the portal's time zone. The
 * policy is the portal's own setting or the server's.
 *
 * Where the counts live depends on the store (`Store.sharedRequestCounts`): on PostgreSQL they are
 * counted in the database, atomic across processes, so N processes never allow N times the limit;
 * a process claims them in leases (`RequestLeases`) so that a request rarely waits for a round trip.
 * On SQLite one process owns the file, so windows are counted here in memory (one-second buckets;
 * nothing but arithmetic on the request path) and the daily totals are written to the store every
 * few seconds and at close, so a restart does not refill a day.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';
import { localDay } from './local-day.js';
import {
  MAX_WINDOW_SECONDS,
  oauthPolicy,
  parseRateLimit,
  type RateLimitPolicy,
} from './rate-limit-policy.js';
import { RequestLeases } from './request-leases.js';
import type { DailyRequestCount, RequestCountHit, RequestCountResult, Store } from './store.js';

/** Who a request is counted against. `portalId` 0: developer-key calls, which have no portal. */
export interface RateSubject {
  portalId: number;
  appId: number;
  /**
   * An installed app's OAuth token: HubSpot counts such apps per installing account at 110 requests
   * per 10 s whatever the account's plan, with no daily limit (and no daily headers).
   */
  oauth: boolean;
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
/** How often leases whose second is over are given back (shared counts). */
const GIVE_BACK_MS = 1_000;
/** How long a portal's setting is trusted when other processes may change it (shared stores). */
const SHARED_SETTING_TTL_MS = 1_000;

interface Window {
  seconds: Float64Array;
  counts: Uint32Array;
}

interface Daily {
  portalId: number;
  appId: number;
  day: number;
  hits: number;
}

interface PortalSetting {
  policy: RateLimitPolicy | null;
  timeZone: string;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  /** Process-local daily totals by `portal:app`, each of its portal's current day. */
  private daily = new Map<string, Daily>();
  /** Totals of recent days read from the store at start, by `portal:app:day`. */
  private persisted = new Map<string, number>();
  /** Totals of a day a key has left, not yet written. */
  private finished: Daily[] = [];
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly settings: LRUCache<number, PortalSetting>;
  private readonly leases: RequestLeases | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly defaultPolicy: RateLimitPolicy | null,
  ) {
    this.settings = new LRUCache({
      max: 10_000,
      ...(store.sharedRequestCounts ? { ttl: SHARED_SETTING_TTL_MS, ttlAutopurge: false } : {}),
    });
    this.leases = store.sharedRequestCounts ? new RequestLeases(store) : undefined;
  }

  /**
   * Shared counts: starts giving back leases whose second is over. Process-local counts: loads the
   * persisted daily totals of the days a portal may be in now, and starts writing them back.
   */
  async start(): Promise<void> {
    const leases = this.leases;
    if (leases) {
      this.timer = setInterval(
        () => void leases.giveBackIdle(Math.floor(this.clock.now() / 1000)).catch(() => {}),
        GIVE_BACK_MS,
      );
      this.timer.unref();
      return;
    }
    await this.loadPersisted();
    this.timer = setInterval(() => void this.flush().catch(() => {}), DAILY_FLUSH_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.leases?.giveBackAll();
    await this.flush();
  }

  /** Counts the request, or says which limit refuses it; undefined when no limit applies. */
  async check(subject: RateSubject): Promise<RateDecision | undefined> {
    const setting = await this.settingFor(subject.portalId);
    const policy = subject.oauth ? oauthPolicy(setting.policy) : setting.policy;
    if (!policy) return undefined;
    const now = this.clock.now();
    const hit: RequestCountHit = {
      portalId: subject.portalId,
      appId: subject.appId,
      second: Math.floor(now / 1000),
      windowSeconds: policy.intervalMs / 1000,
      max: policy.max,
      day: localDay(now, setting.timeZone),
      dailyMax: policy.daily ?? null,
    };
    const counted = this.leases ? await this.leases.count(hit) : this.countLocally(hit);
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

  /** The portal changed (its time zone): read its setting again. */
  portalChanged(portalId: number): void {
    this.settings.delete(portalId);
  }

  /** Forgets counts (of one portal, or all) kept in this process; the store's go with `Store.reset`. */
  forget(portalId?: number): void {
    this.leases?.forget(portalId);
    if (portalId === undefined) {
      this.windows.clear();
      this.daily.clear();
      this.persisted.clear();
      this.finished = [];
      this.settings.clear();
      this.dirty = false;
      return;
    }
    const prefix = `${portalId}:`;
    for (const key of this.windows.keys()) if (key.startsWith(prefix)) this.windows.delete(key);
    for (const key of this.daily.keys()) if (key.startsWith(prefix)) this.daily.delete(key);
    for (const key of this.persisted.keys()) if (key.startsWith(prefix)) this.persisted.delete(key);
    this.finished = this.finished.filter((d) => d.portalId !== portalId);
    this.settings.delete(portalId);
  }

  private async settingFor(portalId: number): Promise<PortalSetting> {
    const cached = this.settings.get(portalId);
    if (cached) return cached;
    // Developer-key calls (portal 0) and portals without a setting of their own: the server's.
    const [rateLimit, portal] =
      portalId === 0
        ? [undefined, undefined]
        : await Promise.all([this.store.getPortalRateLimit(portalId), this.store.getPortal(portalId)]);
    let policy = this.defaultPolicy;
    if (rateLimit !== undefined) {
      try {
        policy = parseRateLimit(rateLimit);
      } catch {
        // Validated when set; a value this version cannot read falls back to the default.
      }
    }
    const setting = { policy, timeZone: portal?.timeZone ?? 'UTC' };
    this.settings.set(portalId, setting);
    return setting;
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
    let daily = this.daily.get(key);
    if (daily?.day !== hit.day) {
      // A new day for this key (its portal's midnight): the old day's total is written at the next
      // flush, and kept here too, so a clock moved back to that day counts on from it.
      if (daily && daily.hits > 0) {
        this.finished.push(daily);
        this.persisted.set(`${key}:${daily.day}`, daily.hits);
      }
      daily = {
        portalId: hit.portalId,
        appId: hit.appId,
        day: hit.day,
        hits: this.persisted.get(`${key}:${hit.day}`) ?? 0,
      };
      this.daily.set(key, daily);
    }
    const dailyCount = daily.hits;
    if (windowCount >= hit.max) return { windowCount, dailyCount, granted: 0, refusedBy: 'window' };
    if (hit.dailyMax !== null && dailyCount >= hit.dailyMax)
      return { windowCount, dailyCount, granted: 0, refusedBy: 'daily' };
    const slot = hit.second % MAX_WINDOW_SECONDS;
    if (window.seconds[slot] !== hit.second) {
      window.seconds[slot] = hit.second;
      window.counts[slot] = 0;
    }
    window.counts[slot] = (window.counts[slot] as number) + 1;
    daily.hits += 1;
    this.dirty = true;
    return { windowCount: windowCount + 1, dailyCount: dailyCount + 1, granted: 1 };
  }

  /** The totals of the UTC days around now: every portal's local day is one of them. */
  private async loadPersisted(): Promise<void> {
    const utcDay = Math.floor(this.clock.now() / DAY_MS);
    this.persisted.clear();
    for (const day of [utcDay - 1, utcDay, utcDay + 1]) {
      for (const count of await this.store.loadDailyRequestCounts(day))
        this.persisted.set(`${count.portalId}:${count.appId}:${day}`, count.hits);
    }
  }

  private async flush(): Promise<void> {
    if (!this.dirty && this.finished.length === 0) return;
    this.dirty = false;
    const finished = this.finished;
    this.finished = [];
    const entries = [...finished, ...[...this.daily.values()].map((d) => ({ ...d }))];
    const byDay = new Map<number, DailyRequestCount[]>();
    for (const { day, ...count } of entries) {
      if (count.hits === 0) continue;
      byDay.set(day, [...(byDay.get(day) ?? []), count]);
    }
    try {
      for (const [day, counts] of byDay) await this.store.saveDailyRequestCounts(day, counts);
    } catch (error) {
      this.dirty = true;
      this.finished.push(...finished);
      throw error;
    }
  }
}
