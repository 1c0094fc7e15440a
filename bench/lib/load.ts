/**
 * Drives one target with autocannon: POSTs of pre-built bodies (cycled) to one path, at a number of
 * connections for a number of seconds. Only 201 answers count as ingested events; 207 (some events
 * failed) and every other status are counted apart.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  path: string;
  bodies: string[];
  /** Events in each body: 1 for single creates. */
  eventsPerRequest: number;
  connections: number;
  duration: number;
  token: string;
  /** The status that counts as ingested (default 201; app-event batches answer 200). */
  successStatus?: number;
  /** Replaced in each body by the request's number, so ids that must never repeat do not. */
  uniquePlaceholder?: string;
}

export interface LoadResult {
  eventsPerSecond: number;
  /** Milliseconds (autocannon's resolution is 1 ms). */
  p50: number;
  p99: number;
  requests: number;
  /** Answers other than 201, by status (207 included: some events of the batch were not stored). */
  failures: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

export function failureCount(result: Pick<LoadResult, 'failures' | 'errors'>): number {
  return Object.values(result.failures).reduce((n, c) => n + c, result.errors);
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { bodies } = options;
  let next = 0;
  const result = await autocannon({
    url: `${options.url}${options.path}`,
    method: 'POST',
    connections: options.connections,
    duration: options.duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    requests: [
      {
        setupRequest: (request) => {
          const n = next++;
          const body = bodies[n % bodies.length] ?? '';
          const { uniquePlaceholder } = options;
          return {
            ...request,
            body: uniquePlaceholder ? body.replaceAll(uniquePlaceholder, String(n)) : body,
          };
        },
      },
    ],
  });
  const failures: Record<string, number> = {};
  let created = 0;
  for (const [status, { count = 0 }] of Object.entries(result.statusCodeStats ?? {})) {
    if (status === String(options.successStatus ?? 201)) created = count;
    else if (count > 0) failures[status] = count;
  }
  return {
    eventsPerSecond: (created * options.eventsPerRequest) / Math.max(result.duration, 0.001),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures,
    errors: result.errors,
  };
}

/** One request; throws (loudly, with the answer) unless the target answers 201. */
export async function expectCreated(name: string, url: string, path: string, body: string, token: string) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await response.text();
  if (response.status !== 201)
    throw new Error(`${name} answered ${response.status}, not 201, to POST ${path}:\n${text.slice(0, 2000)}`);
}
