/**
 * HubSpot's API rate limits as settings: the named profiles of its plans and an explicit syntax.
 * HubSpot (usage guidelines): per app and portal, a rolling 10-second window (Free/Starter 100,
 * Professional 190, Enterprise 190) and a daily count for non-OAuth calls (250,000, 625,000,
 * 1,000,000); marketplace OAuth apps 110 per 10 s per installing portal and no daily limit.
 *
 * Syntax (`--rate-limit`, `TIMELINE_RATE_LIMIT`, `rateLimit` of a portal): a profile name (`free`,
 * `professional`, `enterprise`, `marketplace`, `off`) or `<n>/<s>s` optionally followed by
 * `,<m>/day`, e.g. `50/10s`, `100/10s,1000/day`, `5/1s`.
 */

export interface RateLimitPolicy {
  /** The rolling window: `X-HubSpot-RateLimit-Interval-Milliseconds`. A whole number of seconds. */
  intervalMs: number;
  /** Requests allowed in the window: `X-HubSpot-RateLimit-Max`. */
  max: number;
  /** Requests allowed per day (the portal's local day) for non-OAuth credentials; absent: no daily limit. */
  daily?: number;
  /** Set on a plan's profile (what HubSpot sells): OAuth apps are not counted by the plan. */
  plan?: true;
}

export const RATE_LIMIT_PROFILES: Readonly<Record<string, RateLimitPolicy | null>> = {
  free: { intervalMs: 10_000, max: 100, daily: 250_000, plan: true },
  professional: { intervalMs: 10_000, max: 190, daily: 625_000, plan: true },
  enterprise: { intervalMs: 10_000, max: 190, daily: 1_000_000, plan: true },
  marketplace: { intervalMs: 10_000, max: 110, plan: true },
  off: null,
};

/**
 * The limit of a request made with an installed app's OAuth token, in a portal whose setting is
 * `policy`: HubSpot's 110 requests per 10 s per installing account, with no daily limit, whatever
 * plan the portal is on. An explicit setting (`5/1s`: a test's) applies as it is, without a daily
 * limit; `off` stays off.
 */
export function oauthPolicy(policy: RateLimitPolicy | null): RateLimitPolicy | null {
  if (policy === null) return null;
  if (policy.plan) return RATE_LIMIT_PROFILES.marketplace ?? null;
  const { daily: _none, ...window } = policy;
  return window;
}

/** *Ours*: windows are counted in one-second buckets, so a window is 1 to 60 whole seconds. */
export const MAX_WINDOW_SECONDS = 60;

const EXPLICIT = /^(\d{1,9})\/(\d{1,2})s(?:,(\d{1,12})\/day)?$/;

export const RATE_LIMIT_SYNTAX = `a profile (${Object.keys(RATE_LIMIT_PROFILES).join(', ')}) or <n>/<seconds>s[,<m>/day], e.g. 100/10s,250000/day`;

/** The policy a setting names; `null` for `off`; throws an Error naming what is wrong. */
export function parseRateLimit(text: string): RateLimitPolicy | null {
  const setting = text.trim().toLowerCase();
  if (Object.hasOwn(RATE_LIMIT_PROFILES, setting)) return RATE_LIMIT_PROFILES[setting] ?? null;
  const match = EXPLICIT.exec(setting.replace(/\s+/g, ''));
  const seconds = Number(match?.[2]);
  if (!match || seconds < 1 || seconds > MAX_WINDOW_SECONDS || Number(match[1]) < 1) {
    throw new Error(`must be ${RATE_LIMIT_SYNTAX} (window 1 to ${MAX_WINDOW_SECONDS} s), got '${text}'`);
  }
  const policy: RateLimitPolicy = { intervalMs: seconds * 1000, max: Number(match[1]) };
  if (match[3] !== undefined) policy.daily = Number(match[3]);
  return policy;
}
