/**
 * The probes of `bench/reads.ts`, run as a child process so that the write load's own event loop
 * (autocannon, in the parent) does not add to the latencies measured: each probe sends one GET at a
 * time, back to back, for `seconds`, and the latencies go back to the parent by second.
 *
 *   fork(read-probes.js, [JSON.stringify({ url, token, recordId, seconds })])
 */
import { Agent, request } from 'node:http';

export interface ProbeOptions {
  url: string;
  token: string;
  recordId: string;
  seconds: number;
}

/** The three reads: the server's liveness, one record's timeline, the records list. */
export const PROBES = ['/_health', 'record timeline', 'records list'] as const;
export type ProbeName = (typeof PROBES)[number];

/** Per probe, per second from the start (index), the latencies in ms; failures counted apart. */
export interface ProbeResults {
  latencies: Record<ProbeName, number[][]>;
  failures: Record<ProbeName, number>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 3 });

function get(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

function pathOf(probe: ProbeName, recordId: string): string {
  if (probe === '/_health') return '/_health';
  if (probe === 'record timeline') return `/_timeline/v1/objects/contacts/${recordId}/events`;
  return '/_timeline/v1/objects/contacts';
}

export async function runProbes(options: ProbeOptions): Promise<ProbeResults> {
  const started = performance.now();
  const results: ProbeResults = {
    latencies: { '/_health': [], 'record timeline': [], 'records list': [] },
    failures: { '/_health': 0, 'record timeline': 0, 'records list': 0 },
  };
  await Promise.all(
    PROBES.map(async (probe) => {
      const url = `${options.url}${pathOf(probe, options.recordId)}`;
      while (performance.now() - started < options.seconds * 1000) {
        const sent = performance.now();
        let status = 0;
        try {
          status = await get(url, options.token);
        } catch {
          // Counted below as a failure.
        }
        const second = Math.floor((sent - started) / 1000);
        const bySecond = results.latencies[probe];
        while (bySecond.length <= second) bySecond.push([]);
        (bySecond[second] as number[]).push(performance.now() - sent);
        if (status !== 200) results.failures[probe] += 1;
      }
    }),
  );
  return results;
}

if (process.send && process.argv[2]) {
  const results = await runProbes(JSON.parse(process.argv[2]) as ProbeOptions);
  process.send(results, () => process.exit(0));
}
