/**
 * The HTTP client of every command: HubSpot's two credentials (Bearer access token, `?hapikey=`
 * developer key), JSON bodies, and patience. It retries what HubSpot says is worth retrying (429
 * of the rolling ten-second limit, 5xx, a dropped connection) with backoff and jitter, and paces
 * itself by the `X-HubSpot-RateLimit-*` headers. Every write the commands send is idempotent
 * (events carry stable ids, template changes are declarative), so a retry never doubles anything.
 * Retries are for a server that has answered before: one that cannot be connected to at all on the
 * first request is a wrong --base-url (or a server not started), said at once, not after minutes.
 */
import { backoffDelay, retryAfterMs } from './backoff.js';
import { CliError, usageError } from './cli-error.js';
import { RateLimitGate } from './rate-limit-gate.js';

export type Auth = 'bearer' | 'hapikey';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when there is none or it is not JSON. */
  json: unknown;
  text: string;
}

export interface HubSpotHttpOptions {
  baseUrl: string;
  accessToken?: string;
  developerApiKey?: string;
  /** Requests in flight at once (pacing spreads the last calls of a window across them). */
  concurrency?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Told of every retry, with why (for progress and logs); by default a line on stderr. */
  onRetry?: (reason: string, delayMs: number) => void;
  /** The command's flag that allows more attempts, named when giving up (if it has one). */
  retriesFlag?: string;
}

/** An `onRetry` that tells `log` of each retry, so a wait of several seconds is never silent. */
export function logRetries(log: (line: string) => void): (reason: string, delayMs: number) => void {
  return (reason, delayMs) => log(`retrying in ${(delayMs / 1000).toFixed(1)}s: ${reason}`);
}

const retryLine = logRetries((line) => process.stderr.write(`${line}\n`));

export class HubSpotHttp {
  /** Requests sent again after a 429, a 5xx or a network error. */
  retries = 0;
  readonly gate: RateLimitGate;
  private readonly maxRetries: number;
  /** Whether the target has answered once (any HTTP answer): until then, no connection is retried. */
  private answered = false;

  constructor(private readonly options: HubSpotHttpOptions) {
    this.gate = new RateLimitGate(options.concurrency ?? 1);
    this.maxRetries = options.maxRetries ?? 8;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async request(
    method: string,
    path: string,
    init: { auth: Auth; body?: unknown; query?: Record<string, string | undefined> },
  ): Promise<HttpAnswer> {
    const url = this.url(path, init.auth, init.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.auth === 'bearer') headers.authorization = `Bearer ${this.options.accessToken ?? ''}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] = 'application/json';
    }
    for (let attempt = 0; ; attempt += 1) {
      await this.gate.wait();
      let answer: HttpAnswer;
      try {
        answer = await send(url, method, headers, body);
      } catch (error) {
        if (!this.answered) {
          const failure = connectFailure(this.options.baseUrl, error);
          if (failure) throw failure;
        }
        const reason = `${method} ${path}: ${networkReason(error)}`;
        await this.retryOrGiveUp(attempt, reason, undefined);
        continue;
      }
      this.answered = true;
      this.gate.observe(answer.headers);
      const retryable = retryReason(answer);
      if (retryable === undefined) return answer;
      await this.retryOrGiveUp(attempt, `${method} ${path}: ${retryable}`, answer);
    }
  }

  private async retryOrGiveUp(
    attempt: number,
    reason: string,
    answer: HttpAnswer | undefined,
  ): Promise<void> {
    if (attempt >= this.maxRetries) {
      throw new CliError(
        `gave up after ${attempt + 1} attempts: ${reason}`,
        `check that ${this.options.baseUrl} is up and healthy, then run the same command again` +
          (this.options.retriesFlag ? ` (${this.options.retriesFlag} allows more attempts)` : ''),
      );
    }
    const backoff = backoffDelay(attempt, {
      baseMs: this.options.backoffBaseMs ?? 250,
      capMs: this.options.backoffCapMs ?? 30_000,
    });
    const after = answer ? retryAfterMs(answer.headers.get('retry-after')) : undefined;
    const delay = Math.max(backoff, after ?? 0);
    this.retries += 1;
    (this.options.onRetry ?? retryLine)(reason, delay);
    this.gate.closeFor(delay);
  }

  private url(path: string, auth: Auth, query: Record<string, string | undefined> = {}): string {
    const url = new URL(this.options.baseUrl + path);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    if (auth === 'hapikey') url.searchParams.set('hapikey', this.options.developerApiKey ?? '');
    return url.toString();
  }
}

async function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<HttpAnswer> {
  const response = await fetch(url, body === undefined ? { method, headers } : { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Why an answer is worth sending again, or undefined when it is final. */
function retryReason(answer: HttpAnswer): string | undefined {
  if (answer.status === 429) {
    const policy = (answer.json as { policyName?: unknown } | undefined)?.policyName;
    // HubSpot's daily limit resets at midnight: retrying within seconds only burns more calls.
    // The official client likewise retries only TEN_SECONDLY_ROLLING.
    if (policy === 'DAILY') {
      throw new CliError(
        "the portal's daily API limit is used up (429, policy DAILY)",
        'wait until the limit resets (midnight in the portal time zone), then run the same command again',
      );
    }
    return `429 rate limited${typeof policy === 'string' ? ` (${policy})` : ''}`;
  }
  if (answer.status >= 500) return `${answer.status} ${summary(answer)}`;
  return undefined;
}

function summary(answer: HttpAnswer): string {
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : answer.text.slice(0, 200);
}

/** True when the answer is "this route does not exist" rather than "this object does not". */
export function isMissingRoute(answer: HttpAnswer): boolean {
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  return answer.status === 404 && typeof message === 'string' && message.startsWith('No route for');
}

/** A 404 about the object asked for, not about a path the target does not serve (a wrong --base-url). */
export function isNotFound(answer: HttpAnswer): boolean {
  return answer.status === 404 && !isMissingRoute(answer);
}

/** Failures to connect at all, by the code fetch's cause carries, in words. */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused: nothing listens there',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name could not be looked up',
  EAI_NONAME: 'the host name is not known',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  EADDRNOTAVAIL: 'the address is not one this machine can connect to',
  ETIMEDOUT: 'connecting timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
};

/**
 * The usage error (exit 2) for a server that cannot be connected to, naming the setting to check;
 * undefined when `error` is not a failure to connect (a connection reset, say).
 */
export function connectFailure(baseUrl: string, error: unknown): CliError | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  let what: string | undefined;
  if (typeof cause?.code === 'string' && CONNECT_FAILURES[cause.code] !== undefined) {
    what = `${CONNECT_FAILURES[cause.code]} (${cause.code})`;
  } else if (cause?.message === 'bad port') {
    // fetch never connects to the ports browsers block (6000, 6667, ...): no retry can help.
    what = `fetch does not connect to port ${new URL(baseUrl).port} (a port browsers block)`;
  }
  if (what === undefined) return undefined;
  return usageError(
    `cannot connect to ${baseUrl}: ${what}`,
    'check --base-url (or HUBSPOT_BASE_URL): start the server there (timeline-server serve), or give the address of one that runs (https://api.hubapi.com for HubSpot)',
  );
}

/** What a failed fetch met (`network error ECONNREFUSED`), for error texts. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return `network error ${cause.code}`;
  return error instanceof Error ? error.message : String(error);
}

/** The answer's HubSpot message, for error texts. */
export function answerMessage(answer: HttpAnswer): string {
  return `${answer.status} ${summary(answer)}`;
}
