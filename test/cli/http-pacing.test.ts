/** Backoff and rate-limit pacing of the command line's HTTP client, with a fake clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, retryAfterMs } from '../../src/cli/backoff.js';
import { RateLimitGate } from '../../src/cli/rate-limit-gate.js';

function headers(values: Record<string, string>): Headers {
  return new Headers(values);
}

describe('HTTP pacing', () => {
  it('backs off exponentially, with jitter in the upper half, up to the cap', () => {
    const options = { baseMs: 100, capMs: 1000 };
    assert.equal(backoffDelay(0, { ...options, random: () => 0 }), 50);
    assert.equal(backoffDelay(0, { ...options, random: () => 1 }), 100);
    assert.equal(backoffDelay(3, { ...options, random: () => 0.5 }), 600);
    assert.equal(backoffDelay(10, { ...options, random: () => 1 }), 1000);
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000), 6000);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
  });

  it('waits a whole window when none is left, spaces the last few calls, and ignores answers without headers', async () => {
    let now = 1000;
    const slept: number[] = [];
    const gate = new RateLimitGate(
      4,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    gate.observe(headers({}));
    await gate.wait();
    assert.deepEqual(slept, []);

    gate.observe(
      headers({
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        'X-HubSpot-RateLimit-Max': '100',
        'X-HubSpot-RateLimit-Remaining': '50',
      }),
    );
    await gate.wait();
    assert.deepEqual(slept, [], 'plenty left: no wait');

    gate.observe(
      headers({
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        'X-HubSpot-RateLimit-Max': '100',
        'X-HubSpot-RateLimit-Remaining': '2',
      }),
    );
    await gate.wait();
    assert.deepEqual(slept, [100], 'fewer left than workers: one call per interval/max');

    gate.observe(
      headers({
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        'X-HubSpot-RateLimit-Max': '100',
        'X-HubSpot-RateLimit-Remaining': '0',
      }),
    );
    await gate.wait();
    assert.deepEqual(slept, [100, 10000], 'none left: the whole window');
    assert.equal(gate.waits, 2);
  });
});
