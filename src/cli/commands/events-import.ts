/** `timeline-server events import FILE|-`: the flags, the plan line, the run and the summary. */
import { type Command, Option } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, usageError } from '../cli-error.js';
import { HubSpotHttp, logRetries } from '../hubspot-http.js';
import { checkCheckpointPath } from '../import/checkpoint.js';
import { type ImportSummary, runImport } from '../import/importer.js';
import { RejectsWriter } from '../import/rejects-writer.js';
import { resumeCommand, resumePoint, START } from '../import/resume.js';
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

  let start = START;
  if (flags.resume) {
    if (checkpointPath === undefined) {
      throw usageError(
        '--resume on stdin needs a checkpoint file',
        'pass --checkpoint FILE (the one the interrupted run wrote)',
      );
    }
    start = resumePoint(checkpointPath, rejectsPath, idSource, (line) => progress.log(line));
  }
  const rejects = new RejectsWriter(rejectsPath, start.keepRejects);

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
      start,
      progress,
      stopRequested: () => stop,
    });
  } finally {
    process.off('SIGINT', onSigint);
    rejects.close();
  }
  out.write(`${summaryLine(summary)}\n`);
  if (summary.rejected > 0) out.write(`rejected events are in ${rejectsPath}\n`);
  if (summary.fatal !== undefined) {
    const error = summary.fatal;
    // Worth saying only when something was done: from position 0 a plain re-run is the same.
    const resumeHint =
      checkpointPath && summary.position > 0
        ? `; to go on from position ${summary.position}, run: ${resumeCommand(!process.stderr.isTTY).command}`
        : '';
    if (error instanceof CliError)
      throw new CliError(error.message, `${error.fix}${resumeHint}`, error.exitCode);
    throw new CliError(
      `the import stopped: ${error instanceof Error ? error.message : String(error)}`,
      `fix the input at that point${resumeHint}`,
    );
  }
  if (stop) {
    out.write(`${howToGoOn(summary.position, checkpointPath, file)}\n`);
    return 130;
  }
  return summary.rejected > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** After Ctrl-C: the command that goes on from the checkpoint, or why there is none. */
function howToGoOn(position: number, checkpointPath: string | undefined, file: string): string {
  if (checkpointPath === undefined) {
    return 'stopped: nothing records where (stdin without --checkpoint); run the import again, from the start: events already stored are recognised by their ids and not created twice';
  }
  if (position === 0) return 'stopped before any event was done: run the same command again to start over';
  const { command, masked } = resumeCommand(!process.stdout.isTTY);
  const stdin = file === '-' ? ', with the same input on stdin' : '';
  const credentials =
    masked.length > 0 ? ` (put back the value of ${[...new Set(masked)].join(' and ')}, left out here)` : '';
  return `stopped after position ${position}, saved in ${checkpointPath}; to go on from there${stdin}${credentials}, run:\n  ${command}`;
}

/** The counts are of the whole import (a resumed run's include its earlier runs'); the rate is this run's. */
export function summaryLine(summary: ImportSummary): string {
  const seconds = summary.elapsedMs / 1000;
  const now = summary.read - summary.earlier;
  const rate = seconds > 0 ? Math.round(now / seconds) : now;
  const earlier = summary.earlier > 0 ? ` (${summary.earlier} before --resume, ${now} by this run)` : '';
  return (
    `read ${summary.read}${earlier}, created ${summary.created}, already present ${summary.alreadyPresent}, ` +
    `rejected ${summary.rejected}, retried ${summary.retried}, elapsed ${seconds.toFixed(1)}s, ${rate} events/s`
  );
}
