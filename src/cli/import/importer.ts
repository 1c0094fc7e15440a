/**
 * The import pipeline: read events one by one, check them, fill batches, keep up to `concurrency`
 * batches in flight, and record the outcome of each event (counts, rejects file, checkpoint).
 * Reading waits whenever all workers are busy, so memory holds at most concurrency + 1 batches
 * whatever the size of the input.
 */

import { resolve } from 'node:path';
import type { HubSpotHttp } from '../hubspot-http.js';
import type { InputRecord } from '../input/input-record.js';
import type { OpenedInput } from '../input/open-input.js';
import type { Progress } from '../progress.js';
import { type BatchItem, sendBatch } from './batch-sender.js';
import { type CheckpointData, type ImportCounts, writeCheckpoint } from './checkpoint.js';
import { ImportLedger, type Stretch } from './import-ledger.js';
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
  /** What earlier runs did, from the checkpoint: positions up to `position` are skipped. */
  start: { position: number; counts: ImportCounts };
  progress: Progress;
  /** Set to true (e.g. on SIGINT) to stop reading; batches in flight still finish. */
  stopRequested: () => boolean;
}

export interface ImportSummary extends ImportCounts {
  /** Events read by earlier runs (the counts above include them). */
  earlier: number;
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
  const ledger = new ImportLedger(settings.start, settings.rejects);
  let sent = 0;
  let fatal: unknown;
  let lastCheckpointAt = 0;
  const inFlight = new Set<Promise<void>>();
  let batch: BatchItem[] = [];
  let stretch = ledger.begin();

  const checkpoint = (complete: boolean) => {
    if (settings.checkpointPath === undefined) return;
    const data: CheckpointData = {
      version: 2,
      idSource: settings.idSource,
      input: settings.input.path,
      position: ledger.position,
      complete,
      counts: { ...ledger.counts },
      rejects: { path: resolve(settings.rejects.path), bytes: settings.rejects.bytes },
      updatedAt: new Date().toISOString(),
    };
    writeCheckpoint(settings.checkpointPath, data);
    lastCheckpointAt = Date.now();
  };

  const report = () => {
    const elapsed = (Date.now() - started) / 1000;
    const counts = ledger.live();
    const snapshot = {
      value: settings.input.counter.bytes,
      counters: {
        read: counts.read,
        sent,
        created: counts.created,
        'already present': counts.alreadyPresent,
        rejected: counts.rejected,
      },
      rate: elapsed > 0 ? (counts.read - settings.start.counts.read) / elapsed : 0,
    };
    settings.progress.update(
      settings.input.size === undefined ? snapshot : { ...snapshot, total: settings.input.size },
    );
  };

  const reject = (
    into: Stretch,
    item: { line: number; position: number; event?: unknown },
    error: RejectError,
  ) => {
    into.counts.rejected += 1;
    // Key order as documented: where, what, why.
    const line: RejectLine = { line: item.line };
    if (settings.input.format === 'json') line.index = item.position;
    if (item.event !== undefined) line.event = item.event;
    line.error = error;
    into.rejects.push({ position: item.position, line });
  };

  /** Sends the batch being filled; the stretch of input it ends is committed once it is answered. */
  const flush = async () => {
    const items = batch;
    const done = stretch;
    batch = [];
    stretch = ledger.begin();
    if (items.length === 0) {
      ledger.answered(done);
      return;
    }
    while (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
    sent += items.length;
    const work = sendBatch(settings.http, items)
      .then((outcomes) => {
        for (const [i, outcome] of outcomes.entries()) {
          if (outcome.kind === 'created') done.counts.created += 1;
          else if (outcome.kind === 'alreadyPresent') done.counts.alreadyPresent += 1;
          else reject(done, items[i] as BatchItem, outcome.error);
        }
        ledger.answered(done);
        if (Date.now() - lastCheckpointAt >= CHECKPOINT_EVERY_MS) checkpoint(false);
        report();
      })
      .catch((error: unknown) => {
        fatal ??= error;
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  let read = 0;
  try {
    for await (const input of settings.input.records) {
      if (input.position <= settings.start.position) continue;
      if (fatal !== undefined || settings.stopRequested()) break;
      read += 1;
      stretch.counts.read += 1;
      stretch.last = input.position;
      const prepared = await prepare(input, settings);
      if ('error' in prepared) reject(stretch, { ...input, event: prepared.event }, prepared.error);
      else batch.push(prepared.item);
      // Rejects wait in memory until their stretch is committed: a stretch of nothing but rejects
      // is cut as soon as a batch would be, so memory stays bounded whatever the input.
      if (batch.length >= settings.batchSize || stretch.rejects.length >= settings.batchSize) await flush();
      if (read % 200 === 0) report();
    }
    if (fatal === undefined) await flush();
  } catch (error) {
    // The input itself broke (e.g. a JSON array cut short), or the rejects file could not be
    // written: stop, keep what was done.
    fatal ??= error;
  }
  await Promise.all(inFlight);
  checkpoint(fatal === undefined && !settings.stopRequested());
  report();
  settings.progress.stop();
  const summary: ImportSummary = {
    ...ledger.counts,
    earlier: settings.start.counts.read,
    sent,
    retried: settings.http.retries,
    elapsedMs: Date.now() - started,
    position: ledger.position,
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
