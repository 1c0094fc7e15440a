/** `timeline-server events import FILE|-`: the flags, the plan line, the run and the summary. */
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, usageError } from '../cli-error.js';
import { HubSpotHttp, logRetries } from '../hubspot-http.js';
import { checkCheckpointPath, readCheckpoint } from '../import/checkpoint.js';
import { type ImportSummary, runImport } from '../import/importer.js';
import { RejectsWriter } from '../import/rejects-writer.js';
import { TemplateChecker } from '../import/template-checker.js';
import { parseMapFlags } from '../input/csv-mapping.js';
import { INPUT_FORMATS, type InputFormat, openInput } from '../input/open-input.js';
import { createProgress } from '../progress.js';
import { addTargetOptions, integerIn, requireAccessToken, type TargetOptions } from '../target-options.js';

interface ImportFlags extends TargetOptions {
  format: InputFormat;
  map: string[];
  eventTemplateId?: string;
  batchSize: number;
  concurrency: number;
  rejects?: string;
  checkpoint?: string;
  resume: boolean;
  idSource?: string;
  maxRetries: number;
  progressInterval: number;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerEventsImport(events: Command): void {
  const command = events
    .command('import')
    .description(
      'send the events of an NDJSON, JSON-array or CSV file to POST /events/batch/create, checked, batched, resumable',
    )
    .argument('<file>', 'the input file, or - for stdin');
  addTargetOptions(command)
    .addOption(new Option('--format <format>', 'input format').choices(INPUT_FORMATS).default('auto'))
    .addOption(
      new Option(
        '--map <column=field>',
        'CSV column to event field (eventTemplateId, email, objectId, utk, domain, id, timestamp, tokens.NAME, extraData.PATH); repeatable',
      )
        .default([], 'columns named like a field')
        .argParser(collect),
    )
    .addOption(new Option('--event-template-id <id>', 'template of the events that name none'))
    .addOption(
      new Option('--batch-size <n>', 'events per batch request (HubSpot allows up to 500)')
        .default(100)
        .argParser(integerIn(1, 500)),
    )
    .addOption(
      new Option('--concurrency <n>', 'batch requests in flight at once')
        .default(4)
        .argParser(integerIn(1, 64)),
    )
    .addOption(
      new Option(
        '--rejects <file>',
        'NDJSON file of rejected events (line, event, error) (default: <file>.rejects.ndjson)',
      ),
    )
    .addOption(
      new Option(
        '--checkpoint <file>',
        'where progress is recorded for --resume (default: <file>.checkpoint.json)',
      ),
    )
    .addOption(new Option('--resume', 'skip the events the checkpoint has done').default(false))
    .addOption(
      new Option(
        '--id-source <name>',
        "name the ids of events without one are derived from, with the line (default: the file's name)",
      ),
    )
    .addOption(
      new Option('--max-retries <n>', 'retries of one request after 429, 5xx or a network error')
        .default(8)
        .argParser(integerIn(0, 100)),
    )
    .addOption(
      new Option(
        '--progress-interval <seconds>',
        'seconds between progress lines when stdout is not a terminal',
      )
        .default(5)
        .argParser(integerIn(1, 3600)),
    )
    .action(async (file: string, flags: ImportFlags) => {
      process.exitCode = await importCommand(file, flags);
    });
}

async function importCommand(file: string, flags: ImportFlags): Promise<number> {
  const accessToken = requireAccessToken(flags, 'events import');
  const out = process.stdout;
  const progress = createProgress(out, { intervalMs: flags.progressInterval * 1000 });
  const explicitMap = parseMapFlags(flags.map);
  if (explicitMap.size > 0 && flags.format !== 'csv' && flags.format !== 'auto') {
    throw usageError(
      `--map applies to CSV input, but --format is ${flags.format}`,
      'drop --map, or use --format csv',
    );
  }
  const input = await openInput(file, {
    format: flags.format,
    map: explicitMap,
    onCsvHeader: (ignored) => {
      if (ignored.length > 0) {
        progress.log(
          `note: CSV columns not imported: ${ignored.join(', ')} (map them with --map 'COLUMN=tokens.NAME')`,
        );
      }
    },
  });
  if (explicitMap.size > 0 && input.format !== 'csv') {
    throw usageError(
      `--map applies to CSV input, but '${file}' reads as ${input.format}`,
      'drop --map, or pass --format csv',
    );
  }
  const idSource = flags.idSource ?? input.name;
  const base = file === '-' ? 'stdin' : file;
  const rejectsPath = flags.rejects ?? `${base}.rejects.ndjson`;
  const checkpointPath = flags.checkpoint ?? (file === '-' ? undefined : `${file}.checkpoint.json`);
  // Both files are written as the import goes: a path that cannot be is refused before it starts.
  if (checkpointPath !== undefined) checkCheckpointPath(checkpointPath);

  let resumeFrom = 0;
  if (flags.resume) {
    if (checkpointPath === undefined) {
      throw usageError(
        '--resume on stdin needs a checkpoint file',
        'pass --checkpoint FILE (the one the interrupted run wrote)',
      );
    }
    const saved = readCheckpoint(checkpointPath);
    if (saved && saved.idSource !== idSource) {
      throw usageError(
        `the checkpoint '${checkpointPath}' was written for id source '${saved.idSource}', this run's is '${idSource}'`,
        `pass --id-source '${saved.idSource}' so the same events get the same ids`,
      );
    }
    resumeFrom = saved?.position ?? 0;
    progress.log(
      saved
        ? `resuming after position ${saved.position} (line or element) of ${file}`
        : `no checkpoint at ${checkpointPath}: starting from the beginning`,
    );
  }

  const rejects = new RejectsWriter(rejectsPath, flags.resume && existsSync(rejectsPath));

  const http = new HubSpotHttp({
    baseUrl: flags.baseUrl,
    accessToken,
    concurrency: flags.concurrency,
    maxRetries: flags.maxRetries,
    retriesFlag: '--max-retries',
    onRetry: logRetries((line) => progress.log(line)),
    ...(flags.developerApiKey === undefined ? {} : { developerApiKey: flags.developerApiKey }),
  });
  let checker: TemplateChecker | undefined;
  if (flags.appId && flags.developerApiKey) checker = new TemplateChecker(http, flags.appId);
  else {
    progress.log(
      'note: local check skipped (events are checked by the target only): pass --app-id and --developer-api-key to check each event against its template first',
    );
  }

  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    progress.log(
      'interrupted: finishing the batches in flight and saving the checkpoint (Ctrl-C again to quit now)',
    );
  };
  process.on('SIGINT', onSigint);
  let summary: ImportSummary;
  try {
    summary = await runImport({
      input,
      http,
      checker,
      defaultTemplateId: flags.eventTemplateId,
      idSource,
      batchSize: flags.batchSize,
      concurrency: flags.concurrency,
      rejects,
      checkpointPath,
      resumeFrom,
      progress,
      stopRequested: () => stop,
    });
  } finally {
    process.off('SIGINT', onSigint);
    await rejects.close();
  }
  out.write(`${summaryLine(summary)}\n`);
  if (summary.rejected > 0) out.write(`rejected events are in ${rejectsPath}\n`);
  if (summary.fatal !== undefined) {
    const error = summary.fatal;
    // Worth saying only when something was done: from position 0 a plain re-run is the same.
    const resumeHint =
      checkpointPath && summary.position > 0
        ? `; run the same command with --resume to go on from position ${summary.position}`
        : '';
    if (error instanceof CliError)
      throw new CliError(error.message, `${error.fix}${resumeHint}`, error.exitCode);
    throw new CliError(
      `the import stopped: ${error instanceof Error ? error.message : String(error)}`,
      `fix the input at that point${resumeHint}`,
    );
  }
  if (stop) return 130;
  return summary.rejected > 0 ? EXIT_FAILURE : EXIT_OK;
}

export function summaryLine(summary: ImportSummary): string {
  const seconds = summary.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(summary.read / seconds) : summary.read;
  const skipped = summary.skipped > 0 ? `, skipped ${summary.skipped} (done before the checkpoint)` : '';
  return (
    `read ${summary.read}, created ${summary.created}, already present ${summary.alreadyPresent}, ` +
    `rejected ${summary.rejected}, retried ${summary.retried}${skipped}, elapsed ${seconds.toFixed(1)}s, ${rate} events/s`
  );
}
