/**
 * Request counts shared by every process on one database (PostgreSQL), without a round trip per
 * request: a process claims a lease of several requests of one second in one call
 * (`Store.countRequest` with `want`), counted in the database in full when granted, and spends it
 * here. What a lease leaves unspent when its second is over is given back, in the next claim of the
 * key or, for a key gone quiet, by `giveBackIdle` a second later.
 *
 * Exact where it matters: the store grants at most an eighth of what is left in the window and of
 * the day, so near a limit every lease is one request, counted on its own; the database's counts
 * are never less than what every process spent, so two processes never together exceed a limit. A
 * lease is spent only in its own second, so a request is counted in the window second it came in.
 * The cost: another process may be refused while this one still holds unspent requests of the
 * current second (at most an eighth of what was left), until they are given back.
 */
import type { RequestCountHit, RequestCountResult, Store } from './store.js';

/** The largest lease asked for: about a second of a busy key's requests. */
const MAX_WANT = 1_000;
/** How late a request may be and still be counted in its key's latest second (more: the clock went back). */
const LATE_SECONDS = 2;

interface Lease {
  second: number;
  day: number;
  windowSeconds: number;
  max: number;
  dailyMax: number | null;
  /** Requests of the lease not yet spent. */
  left: number;
  /** The window's and the day's counts the claim returned, the whole lease included. */
  windowCount: number;
  dailyCount: number;
}

interface KeyState {
  portalId: number;
  appId: number;
  lease?: Lease;
  /** The claim under way: requests of the key wait for it rather than claim alongside it. */
  claiming?: Promise<RequestCountResult>;
  waiting: number;
  /** The latest second (and its day) a request of the key was counted in. */
  latestSecond: number;
  latestDay: number;
  /** Requests spent in `spentSecond`, and in the second before it: how much to ask for. */
  spentSecond: number;
  spent: number;
  spentBefore: number;
}

export class RequestLeases {
  private keys = new Map<string, KeyState>();

  constructor(private readonly store: Store) {}

  /** Counts one request, from this process's lease when it has one for the request's second. */
  async count(request: RequestCountHit): Promise<RequestCountResult> {
    let hit = request;
    const key = `${hit.portalId}:${hit.appId}`;
    let state = this.keys.get(key);
    if (!state) {
      state = {
        portalId: hit.portalId,
        appId: hit.appId,
        latestSecond: hit.second,
        latestDay: hit.day,
        waiting: 0,
        spentSecond: hit.second,
        spent: 0,
        spentBefore: 0,
      };
      this.keys.set(key, state);
    }
    if (hit.second > state.latestSecond || state.latestSecond - hit.second > LATE_SECONDS) {
      state.latestSecond = hit.second;
      state.latestDay = hit.day;
    }
    if (state.latestSecond !== state.spentSecond) {
      state.spentBefore = state.latestSecond === state.spentSecond + 1 ? state.spent : 0;
      state.spent = 0;
      state.spentSecond = state.latestSecond;
    }
    for (;;) {
      // A request that read the clock before another one of the key counted a later second (it
      // waited behind it) is counted in that later second: counting it later is on the safe side,
      // and the key's lease stays in one second instead of going back and forth between two.
      if (hit.second < state.latestSecond && state.latestSecond - hit.second <= LATE_SECONDS)
        hit = { ...hit, second: state.latestSecond, day: state.latestDay };
      const lease = state.lease;
      if (lease && lease.left > 0 && fits(lease, hit)) {
        lease.left -= 1;
        state.spent += 1;
        return {
          windowCount: lease.windowCount - lease.left,
          dailyCount: lease.dailyCount - lease.left,
          granted: 1,
        };
      }
      if (state.claiming) {
        state.waiting += 1;
        let answer: RequestCountResult;
        try {
          answer = await state.claiming;
        } finally {
          state.waiting -= 1;
        }
        // Refused while this request waited: it came in with the refused ones, and is refused too.
        if (answer.refusedBy) return answer;
        continue;
      }
      const answer = await this.claim(state, hit);
      if (answer.granted === 0) return answer;
    }
  }

  /** Gives back the unspent requests of leases whose second is over (keys that went quiet). */
  async giveBackIdle(nowSecond: number): Promise<void> {
    const work: Promise<unknown>[] = [];
    for (const state of this.keys.values()) {
      const lease = state.lease;
      if (state.claiming || !lease || lease.second >= nowSecond) continue;
      state.lease = undefined;
      if (lease.left > 0) work.push(this.giveBack(state, lease));
    }
    await Promise.all(work);
  }

  /** Gives back every unspent request (at close). */
  async giveBackAll(): Promise<void> {
    await this.giveBackIdle(Number.POSITIVE_INFINITY);
  }

  /** Drops leases (of one portal, or all) without giving them back: the store's counts are gone. */
  forget(portalId?: number): void {
    if (portalId === undefined) {
      this.keys = new Map();
      return;
    }
    for (const [key, state] of this.keys) if (state.portalId === portalId) this.keys.delete(key);
  }

  /** One round trip: gives back the old lease's rest (same day) and claims a new lease. */
  private claim(state: KeyState, hit: RequestCountHit): Promise<RequestCountResult> {
    const old = state.lease;
    state.lease = undefined;
    let giveBack: RequestCountHit['giveBack'];
    if (old && old.left > 0) {
      if (old.day === hit.day) giveBack = { second: old.second, count: old.left };
      else void this.giveBack(state, old).catch(() => {});
    }
    const want = Math.min(MAX_WANT, Math.max(1 + state.waiting, state.spent, state.spentBefore));
    const claiming = this.store.countRequest({ ...hit, want, ...(giveBack ? { giveBack } : {}) });
    state.claiming = claiming;
    return claiming.then(
      (answer) => {
        if (state.claiming === claiming) state.claiming = undefined;
        if (answer.granted > 0) {
          state.lease = {
            second: hit.second,
            day: hit.day,
            windowSeconds: hit.windowSeconds,
            max: hit.max,
            dailyMax: hit.dailyMax,
            left: answer.granted,
            windowCount: answer.windowCount,
            dailyCount: answer.dailyCount,
          };
        }
        return answer;
      },
      (error: unknown) => {
        if (state.claiming === claiming) state.claiming = undefined;
        throw error;
      },
    );
  }

  private async giveBack(state: KeyState, lease: Lease): Promise<void> {
    await this.store.countRequest({
      portalId: state.portalId,
      appId: state.appId,
      second: lease.second,
      windowSeconds: lease.windowSeconds,
      max: lease.max,
      day: lease.day,
      dailyMax: lease.dailyMax,
      want: 0,
      giveBack: { second: lease.second, count: lease.left },
    });
  }
}

/** Whether a request may be spent from the lease: same second and day, same limits. */
function fits(lease: Lease, hit: RequestCountHit): boolean {
  return (
    lease.second === hit.second &&
    lease.day === hit.day &&
    lease.max === hit.max &&
    lease.windowSeconds === hit.windowSeconds &&
    lease.dailyMax === hit.dailyMax
  );
}
