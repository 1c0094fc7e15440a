/**
 * Runs a SqliteStore on a worker thread, so SQLite's work (statements, commits, fsync) happens on
 * the second core while the main thread reads, validates and answers HTTP. Messages are calls
 * `{ id, method, args }`; answers are `{ id, result }` or `{ id, error }`.
 *
 * Event writes are group-committed: the writeEvents calls that arrive while the worker is busy are
 * written together in one transaction when it is free, and each caller is answered after that
 * commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Store } from '../store.js';
import type { EventWriteGroup } from './sqlite-event-writer.js';
import { SqliteStore } from './sqlite-store.js';

export interface WorkerCall {
  id: number;
  method: keyof Store;
  args: unknown[];
}

export interface WorkerAnswer {
  id: number;
  result?: unknown;
  error?: { message: string; code?: string; name: string };
}

const port = parentPort;
if (!port) throw new Error('sqlite-worker must run as a worker thread');
const store = new SqliteStore((workerData as { path: string }).path);

function errorAnswer(id: number, error: unknown): WorkerAnswer {
  const e = error as Error & { code?: unknown };
  return {
    id,
    error: { message: e.message, name: e.name, ...(typeof e.code === 'string' ? { code: e.code } : {}) },
  };
}

let queuedWrites: { id: number; group: EventWriteGroup }[] = [];

function flushWrites(): void {
  const calls = queuedWrites;
  queuedWrites = [];
  try {
    const results = store.writeEventGroups(calls.map((call) => call.group));
    calls.forEach((call, i) => {
      port?.postMessage({ id: call.id, result: results[i] } satisfies WorkerAnswer);
    });
  } catch (error) {
    for (const call of calls) port?.postMessage(errorAnswer(call.id, error));
  }
}

port.on('message', async (call: WorkerCall) => {
  if (call.method === 'writeEvents') {
    // setImmediate runs after the messages already waiting are taken in: they join this commit.
    if (queuedWrites.length === 0) setImmediate(flushWrites);
    queuedWrites.push({
      id: call.id,
      group: { writes: call.args[0], options: call.args[1] } as EventWriteGroup,
    });
    return;
  }
  let answer: WorkerAnswer;
  try {
    const method = store[call.method] as (...args: unknown[]) => Promise<unknown>;
    answer = { id: call.id, result: await method.apply(store, call.args) };
  } catch (error) {
    answer = errorAnswer(call.id, error);
  }
  port.postMessage(answer);
});
