/**
 * One connection, one request at a time, timed with microsecond resolution (autocannon rounds to
 * whole milliseconds, too coarse for single-event creates). Same result shape as `runLoad`.
 */
import { Agent, request } from 'node:http';
import type { LoadOptions, LoadResult } from './load.js';
import { percentile } from './stats.js';

function post(agent: Agent, url: URL, body: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

export async function runSequential(options: Omit<LoadOptions, 'connections'>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${options.url}${options.path}`);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let created = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.duration * 1000;
  try {
    for (let i = 0; performance.now() < deadline; i++) {
      const body = options.bodies[i % options.bodies.length] as string;
      const sent = performance.now();
      try {
        const status = await post(agent, url, body, options.token);
        latencies.push(performance.now() - sent);
        if (status === 201) created++;
        else failures[status] = (failures[status] ?? 0) + 1;
      } catch {
        errors++;
      }
    }
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    eventsPerSecond: (created * options.eventsPerRequest) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: latencies.length + errors,
    failures,
    errors,
  };
}
