/**
 * `startTimelineServer` then `close()`, 200 times in one process: no handle (socket, timer, worker
 * thread) is left behind and the heap does not grow with the count.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startTimelineServer } from '../../src/index.js';

const ROUNDS = 200;

// A full collection before each reading, so the figures are live objects only.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function handles(): string[] {
  return process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap');
}

it(`starts and closes ${ROUNDS} servers without leaking handles or memory`, {
  timeout: 300_000,
}, async () => {
  const before = handles();
  const warm = await startTimelineServer();
  await (await fetch(`${warm.url}/_health`)).text();
  await warm.close();
  const heapAtStart = heapMb();
  let heapAtHalf = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const server = await startTimelineServer();
    const response = await fetch(`${server.url}/crm/v3/objects/contacts`, {
      headers: { authorization: `Bearer ${server.accessToken}`, connection: 'close' },
    });
    assert.equal(response.status, 200);
    await response.text();
    await server.close();
    if (i === ROUNDS / 2) heapAtHalf = heapMb();
  }
  const heapAtEnd = heapMb();
  // Sockets of fetch's pool may linger a moment after their server closed.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const count = (list: string[]) =>
    list.reduce<Record<string, number>>((n, kind) => {
      n[kind] = (n[kind] ?? 0) + 1;
      return n;
    }, {});
  const left = count(handles());
  const had = count(before);
  for (const [kind, n] of Object.entries(left)) {
    assert.ok(n <= (had[kind] ?? 0), `${n} ${kind} handles left, ${had[kind] ?? 0} before the first server`);
  }
  const growth = heapAtEnd - heapAtHalf;
  console.log(
    `heap: ${heapAtStart.toFixed(1)} MB after one server, ${heapAtHalf.toFixed(1)} MB after ${ROUNDS / 2}, ${heapAtEnd.toFixed(1)} MB after ${ROUNDS}`,
  );
  assert.ok(growth < 10, `the heap grew ${growth.toFixed(1)} MB over the second ${ROUNDS / 2} servers`);
});
