/**
 * The thread that owns the SQLite connection (started by `SqliteThreadClient`), so SQLite's work
 * (statements, commits, fsync) happens on the second core while the main thread reads, validates
 * and answers HTTP. Messages follow `sqlite-thread-protocol.ts`.
 *
 * Event writes are group-committed: the write calls that arrive while the thread is busy are
 * written together in one transaction when it is free, and each caller is answered after that
 * commit.
 *
 * Between commits the thread also fills the per-record timeline index behind the event log
 * (issue 11, `sqlite-timeline-indexer.ts`): in small sorted batches once no write has come for
 * `QUIET_MS`, so ingestion does not pay for it; and, if writes never pause and the unindexed
 * backlog passes `FORCED_BACKLOG`, one larger batch after each commit, so the backlog (which every
 * record read merges) stays bounded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../../domain/store-errors.js';
import type { PackedEventWrite } from './packed-event-write.js';
import type { EventWriteGroup } from './sqlite-event-writer.js';
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

/**
 * How long writes must pause before the index is filled. 20 ms proved too eager (issue 16): under a
 * steady 10-connection load the HTTP thread leaves gaps that long whenever the machine is busy, and
 * indexing then took 38% of this thread during ingestion (perf record). Reads merge the unindexed
 * tail, so waiting longer costs readers nothing they can see.
 */
const QUIET_MS = 200;
/** Events indexed per quiet batch: a write arriving meanwhile waits for one batch at most. */
const QUIET_BATCH = 2_000;
/** Past this many unindexed events, each commit is followed by a batch of `FORCED_BATCH`. */
const FORCED_BACKLOG = 1_000_000;
const FORCED_BATCH = 20_000;
/** After an indexing failure (disk full, I/O), wait this long before trying again. */
const RETRY_MS = 1_000;

let lastWriteAt = 0;
let indexTimer: NodeJS.Timeout | undefined;

/** Indexes one batch if writes have paused, and keeps going while they stay paused. */
function indexWhenQuiet(open: SqliteStore): void {
  indexTimer = undefined;
  const quietFor = performance.now() - lastWriteAt;
  if (queuedWrites.length > 0 || quietFor < QUIET_MS) {
    scheduleIndexing(open, QUIET_MS - quietFor);
    return;
  }
  try {
    if (open.indexTimeline(QUIET_BATCH) === QUIET_BATCH) scheduleIndexing(open, 0);
  } catch {
    // Reads merge the unindexed events, so nothing is lost or hidden; try again later.
    scheduleIndexing(open, RETRY_MS);
  }
}

function scheduleIndexing(open: SqliteStore, delayMs: number): void {
  if (indexTimer) return;
  indexTimer = setTimeout(() => indexWhenQuiet(open), Math.max(0, delayMs));
  indexTimer.unref();
}

function indexIfBacklogged(open: SqliteStore): void {
  try {
    if (open.unindexedEvents() > FORCED_BACKLOG) open.indexTimeline(FORCED_BATCH);
  } catch {
    // As above: the quiet indexer retries.
  }
}

function flushWrites(open: SqliteStore): void {
  const calls = queuedWrites;
  if (calls.length === 0) return; // already flushed by a close
  queuedWrites = [];
  try {
    const results = open.writeEventGroups(calls.map((call) => call.group));
    calls.forEach((call, i) => {
      reply({ id: call.id, ok: true, result: resultsToCrossing(results[i] ?? []) });
    });
  } catch (error) {
    const crossing = threadError(error);
    for (const call of calls) reply({ id: call.id, ok: false, error: crossing });
  }
  lastWriteAt = performance.now();
  indexIfBacklogged(open);
  scheduleIndexing(open, QUIET_MS);
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
    if (queuedWrites.length > 0) flushWrites(open);
    clearTimeout(indexTimer);
    indexTimer = undefined;
  }
  if (request.kind === 'write-events') {
    // setImmediate runs after the messages already waiting are taken in: they join this commit.
    if (queuedWrites.length === 0) setImmediate(() => flushWrites(open));
    lastWriteAt = performance.now();
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
    if (request.method === 'migrate') scheduleIndexing(open, QUIET_MS);
    reply({ id: request.id, ok: true, result });
  } catch (error) {
    reply({ id: request.id, ok: false, error: threadError(error) });
  }
});
