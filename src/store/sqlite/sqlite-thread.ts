/**
 * The thread that owns the SQLite connection (started by `SqliteThreadClient`), so SQLite's work
 * (statements, commits, fsync) happens on the second core while the main thread reads, validates
 * and answers HTTP. Messages follow `sqlite-thread-protocol.ts`.
 *
 * Event writes are group-committed: the write calls that arrive while the thread is busy are
 * written together in one transaction when it is free, and each caller is answered after that
 * commit.
 *
 * Between commits the thread also fills the per-record timeline index behind the event log, when
 * `sqlite-index-scheduler.ts` says so. Batches of writes and their answers cross as strings
 * (`thread-crossing.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../../domain/store-errors.js';
import type { PackedEventWrite } from './packed-event-write.js';
import type { EventWriteGroup } from './sqlite-event-writer.js';
import { IndexScheduler } from './sqlite-index-scheduler.js';
import { SqliteStore } from './sqlite-store.js';
import type {
  PlainCall,
  ThreadData,
  ThreadError,
  ThreadReply,
  ThreadRequest,
} from './sqlite-thread-protocol.js';
import { resultsToCrossing, writesFromCrossing } from './thread-crossing.js';

const port = parentPort;
if (!port) throw new Error('sqlite-thread.ts must run as a worker thread');
const reply = (message: ThreadReply): void => port.postMessage(message);

function threadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const crossing: ThreadError = { name: error.name, message: error.message };
  if (error instanceof StoreError) crossing.storeKind = error.kind;
  return crossing;
}

// Opening can fail (a directory, a file that is not SQLite, a read-only folder): every call is then
// answered with that error, so the main thread reports it instead of a bare worker crash.
let store: SqliteStore | undefined;
let openFailure: ThreadError | undefined;
try {
  store = new SqliteStore((workerData as ThreadData).path);
} catch (error) {
  openFailure = threadError(error);
}

let queuedWrites: { id: number; group: EventWriteGroup }[] = [];
const indexing = store && new IndexScheduler(store, () => queuedWrites.length > 0);

/**
 * The most events one group commit takes (a single call larger than this is committed alone): the
 * calls and reads that arrive meanwhile wait for one commit of this size at most, not for all the
 * writes fifty connections have queued.
 */
const COMMIT_MAX_EVENTS = 2_000;

/** The first queued calls, up to COMMIT_MAX_EVENTS events (at least one call). */
function takeCommit(): { id: number; group: EventWriteGroup }[] {
  let events = 0;
  let count = 0;
  for (const call of queuedWrites) {
    if (count > 0 && events + call.group.writes.length > COMMIT_MAX_EVENTS) break;
    events += call.group.writes.length;
    count += 1;
  }
  const calls = queuedWrites.slice(0, count);
  queuedWrites = queuedWrites.slice(count);
  return calls;
}

/** Whether a commit is already scheduled: one at a time, whoever asks (a write, the turn after a commit). */
let commitScheduled = false;

function scheduleCommit(open: SqliteStore): void {
  if (commitScheduled) return;
  commitScheduled = true;
  // setImmediate runs after the messages already waiting are taken in: they join this commit.
  setImmediate(() => {
    commitScheduled = false;
    flushWrites(open);
  });
}

function flushWrites(open: SqliteStore): void {
  if (queuedWrites.length === 0) return; // already flushed by a close
  const calls = takeCommit();
  try {
    const results = open.writeEventGroups(calls.map((call) => call.group));
    calls.forEach((call, i) => {
      reply({ id: call.id, ok: true, result: resultsToCrossing(results[i] ?? []) });
    });
  } catch (error) {
    const crossing = threadError(error);
    for (const call of calls) reply({ id: call.id, ok: false, error: crossing });
  }
  const events = calls.reduce((n, call) => n + call.group.writes.length, 0);
  // The index slice that may follow a commit takes a turn of its own, and so does the next commit:
  // the reads that arrived meanwhile are answered in between, so a read waits for one commit or one
  // slice, never for both in a row.
  setImmediate(() => {
    indexing?.afterCommit(events);
    if (queuedWrites.length > 0) scheduleCommit(open);
  });
}

async function runPlain(open: SqliteStore, call: PlainCall): Promise<unknown> {
  // Each variant of PlainCall pairs a method with its own argument types; the union of them is not
  // something TypeScript can apply in one step, hence the widening here and only here.
  const method = open[call.method] as (...args: unknown[]) => Promise<unknown>;
  return method.apply(open, call.args);
}

port.on('message', async (request: ThreadRequest) => {
  if (openFailure || !store) {
    // A store that never opened has nothing to close.
    if (request.kind === 'call' && request.method === 'close') {
      reply({ id: request.id, ok: true, result: undefined });
      return;
    }
    reply({ id: request.id, ok: false, error: openFailure ?? { name: 'Error', message: 'no store' } });
    return;
  }
  const open = store;
  if (request.kind === 'call' && request.method === 'close') {
    // Writes taken in before the close are committed and answered first: a write handed to the
    // store is never dropped by a shutdown. The index timer goes, so nothing runs on a closed file.
    while (queuedWrites.length > 0) flushWrites(open);
    indexing?.stop();
  }
  if (request.kind === 'write-events') {
    if (queuedWrites.length === 0) scheduleCommit(open);
    indexing?.writeArrived();
    let writes: PackedEventWrite[];
    try {
      writes = writesFromCrossing(request.writes);
    } catch (error) {
      reply({ id: request.id, ok: false, error: threadError(error) });
      return;
    }
    queuedWrites.push({ id: request.id, group: { writes, options: request.options } });
    return;
  }
  try {
    const result = await runPlain(open, request);
    // A restarted server indexes what an earlier run left unindexed once it has migrated.
    if (request.method === 'migrate') indexing?.start();
    reply({ id: request.id, ok: true, result });
  } catch (error) {
    reply({ id: request.id, ok: false, error: threadError(error) });
  }
});
