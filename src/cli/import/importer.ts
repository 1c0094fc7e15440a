/**
 * The import pipeline: read events one by one, check them, fill batches, keep up to `concurrency`
 * batches in flight, and record the outcome of each event (counts, rejects file, checkpoint).
 * Reading waits whenever all workers are busy, so memory holds at most concurrency + 1 batches
 * whatever the size of the input.
 */

import type { HubSpotHttp } from '../hubspot-http.js';
import type { InputRecord } from '../input/input-record.js';
import type { OpenedInput } from '../input/open-input.js';
import type { Progress } from '../progress.js';
import { type BatchItem, type ItemOutcome, sendBatch } from './batch-sender.js';
import { type CheckpointData, DoneTracker, type ImportCounts, writeCheckpoint } from './checkpoint.js';
import type { RejectError, RejectLine, RejectsWriter } from './rejects-writer.js';
import { stableEventId } from './stable-id.js';
import type { TemplateChecker } from './template-checker.js';

export interface ImportSettings {
  input: OpenedInput;
  http: HubSpotHttp;
  /** Absent when the local check is skipped (no developer credentials). */
  checker: TemplateChecker | undefined;
  defaultTemplateId: string | undefined;
  idSource: string;
  batchSize: number;
  concurrency: number;
  rejects: RejectsWriter;
  checkpointPath: string | undefined;
  /** Positions up to this one were done by an earlier run. */
  resumeFrom: number;
  progress: Progress;
  /** Set to true (e.g. on SIGINT) to stop reading; batches in flight still finish. */
  stopRequested: () => boolean;
}

export interface ImportSummary extends ImportCounts {
  /** Events passed over because the checkpoint had them done. */
  skipped: number;
  sent: number;
  retried: number;
  elapsedMs: number;
  /** The error that stopped the import early, if one did. */
  fatal?: unknown;
  position: number;
}

const CHECKPOINT_EVERY_MS = 1000;

export async function runImport(settings: ImportSettings): Promise<ImportSummary> {
  const started = Date.now();
  const counts: ImportCounts = { read: 0, created: 0, alreadyPresent: 0, rejected: 0 };
  let skipped = 0;
  let sent = 0;
  let fatal: unknown;
  let lastPosition = settings.resumeFrom;
  let lastCheckpointAt = 0;
  const tracker = new DoneTracker(settings.resumeFrom);
  const inFlight = new Set<Promise<void>>();
  let batch: BatchItem[] = [];

  const checkpoint = (complete: boolean) => {
    if (settings.checkpointPath === undefined) return;
    const data: CheckpointData = {
      version: 1,
      idSource: settings.idSource,
      input: settings.input.path,
      position: tracker.position,
      complete,
      counts: { ...counts },
      updatedAt: new Date().toISOString(),
    };
    writeCheckpoint(settings.checkpointPath, data);
    lastCheckpointAt = Date.now();
  };

  const report = () => {
    const elapsed = (Date.now() - started) / 1000;
    const snapshot = {
      value: settings.input.counter.bytes,
      counters: {
        read: counts.read,
        sent,
        created: counts.created,
        'already present': counts.alreadyPresent,
        rejected: counts.rejected,
      },
      rate: elapsed > 0 ? counts.read / elapsed : 0,
    };
    settings.progress.update(
      settings.input.size === undefined ? snapshot : { ...snapshot, total: settings.input.size },
    );
  };

  const reject = async (item: { line: number; position: number; event?: unknown }, error: RejectError) => {
    counts.rejected += 1;
    // Key order as documented: where, what, why.
    const line: RejectLine = { line: item.line };
    if (settings.input.format === 'json') line.index = item.position;
    if (item.event !== undefined) line.event = item.event;
    line.error = error;
    await settings.rejects.write(line);
  };

  const record = async (items: BatchItem[], outcomes: ItemOutcome[]) => {
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.kind === 'created') counts.created += 1;
      else if (outcome.kind === 'alreadyPresent') counts.alreadyPresent += 1;
      else await reject(items[i] as BatchItem, outcome.error);
    }
  };

  /** Sends the batch being filled; the stretch of input it ends is done once it is answered. */
  const flush = async () => {
    const items = batch;
    batch = [];
    const done = tracker.open(lastPosition);
    if (items.length === 0) {
      done.finish();
      return;
    }
    while (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
    sent += items.length;
    const work = sendBatch(settings.http, items)
      .then(async (outcomes) => {
        await record(items, outcomes);
        done.finish();
        if (Date.now() - lastCheckpointAt >= CHECKPOINT_EVERY_MS) checkpoint(false);
        report();
      })
      .catch((error: unknown) => {
        fatal ??= error;
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  try {
    for await (const input of settings.input.records) {
      if (input.position <= settings.resumeFrom) {
        skipped += 1;
        continue;
      }
      if (fatal !== undefined || settings.stopRequested()) break;
      counts.read += 1;
      lastPosition = input.position;
      const prepared = await prepare(input, settings);
      if ('error' in prepared) await reject({ ...input, event: prepared.event }, prepared.error);
      else batch.push(prepared.item);
      if (batch.length >= settings.batchSize) await flush();
      if (counts.read % 200 === 0) report();
    }
    if (fatal === undefined) await flush();
  } catch (error) {
    // The input itself broke (e.g. a JSON array cut short): stop, keep what was done.
    fatal ??= error;
  }
  await Promise.all(inFlight);
  checkpoint(fatal === undefined && !settings.stopRequested());
  report();
  settings.progress.stop();
  const summary: ImportSummary = {
    ...counts,
    skipped,
    sent,
    retried: settings.http.retries,
    elapsedMs: Date.now() - started,
    position: tracker.position,
  };
  if (fatal !== undefined) summary.fatal = fatal;
  return summary;
}

/** Turns a read record into a batch item (template id and stable id filled in, checked), or a reject. */
async function prepare(
  input: InputRecord,
  settings: ImportSettings,
): Promise<{ item: BatchItem } | { error: RejectError; event: unknown }> {
  if (input.parseError !== undefined) {
    return { error: { source: 'input', message: input.parseError }, event: undefined };
  }
  const value = input.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      error: { source: 'input', message: `line ${input.line} is not a JSON object (an event)` },
      event: value,
    };
  }
  const event = { ...(value as Record<string, unknown>) };
  if ((event.eventTemplateId === undefined || event.eventTemplateId === '') && settings.defaultTemplateId) {
    event.eventTemplateId = settings.defaultTemplateId;
  }
  const templateId = event.eventTemplateId;
  if (typeof templateId !== 'string' && typeof templateId !== 'number') {
    return {
      error: {
        source: 'local',
        message:
          'eventTemplateId is missing: add it to the event, or pass --event-template-id for events without one',
        errors: [{ message: 'eventTemplateId is required', in: 'eventTemplateId' }],
      },
      event,
    };
  }
  if (event.id === undefined || event.id === null || event.id === '') {
    event.id = stableEventId(settings.idSource, input.position);
  }
  const problem = await settings.checker?.check(event, String(templateId));
  if (problem) return { error: problem, event };
  return { item: { position: input.position, line: input.line, event } };
}
