/** `timeline-server events export`: a portal's events as NDJSON or CSV that `events import` reads back. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { usageError } from '../cli-error.js';
import { csvOutput, type EventOutput, ndjsonOutput, streamSink } from '../export/event-output.js';
import { type ExportFilter, timelineEvents } from '../export/timeline-reader.js';
import { HubSpotHttp, logRetries } from '../hubspot-http.js';
import { openOutputFile } from '../output-file.js';
import { createProgress } from '../progress.js';
import {
  addTargetOptions,
  integerIn,
  requireAccessToken,
  requireDeveloperCredentials,
  type TargetOptions,
} from '../target-options.js';
import { listTemplates } from '../templates/template-api.js';

const STANDARD_TYPES = ['contacts', 'companies', 'deals', 'tickets'];

interface ExportFlags extends TargetOptions {
  output: string;
  format: 'ndjson' | 'csv';
  objectType: string[];
  objectId?: string;
  eventTemplateId?: string;
  since?: string;
  until?: string;
  pageSize: number;
  progressInterval: number;
}

function isoDate(raw: string): string {
  if (Number.isNaN(Date.parse(raw)))
    throw new InvalidArgumentError('must be an ISO 8601 date-time such as 2024-01-31T00:00:00Z');
  return raw;
}

export function registerEventsExport(events: Command): void {
  const command = events
    .command('export')
    .description(
      "write a portal's events (read through the server's /_timeline/v1 API) as NDJSON or CSV that events import reads back",
    );
  addTargetOptions(command)
    .addOption(new Option('-o, --output <file>', 'file to write, or - for stdout').default('-'))
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'csv']).default('ndjson'))
    .addOption(
      new Option('--object-type <type>', 'object type to export; repeatable')
        .default([], STANDARD_TYPES.join(', '))
        .argParser((value: string, previous: string[]) => [...previous, value]),
    )
    .addOption(new Option('--object-id <id>', "only this record's events (needs one --object-type)"))
    .addOption(new Option('--event-template-id <id>', "only this template's events"))
    .addOption(
      new Option(
        '--since <date>',
        "only events at or after this time (ISO 8601; without an offset, in the portal's time zone)",
      ).argParser(isoDate),
    )
    .addOption(
      new Option(
        '--until <date>',
        "only events at or before this time (ISO 8601; without an offset, in the portal's time zone; a date alone takes in that whole day)",
      ).argParser(isoDate),
    )
    .addOption(
      new Option('--page-size <n>', 'records and events per request')
        .default(100)
        .argParser(integerIn(1, 100)),
    )
    .addOption(
      new Option(
        '--progress-interval <seconds>',
        'seconds between progress lines when stderr is not a terminal',
      )
        .default(5)
        .argParser(integerIn(1, 3600)),
    )
    .action(async (flags: ExportFlags) => {
      process.exitCode = await exportCommand(flags);
    });
}

async function exportCommand(flags: ExportFlags): Promise<number> {
  const accessToken = requireAccessToken(flags, 'events export');
  if (flags.objectId !== undefined && flags.objectType.length !== 1) {
    throw usageError(
      '--object-id names one record, so it needs exactly one --object-type',
      'add --object-type contacts (or the record type)',
    );
  }
  // The data may be on stdout: progress (and each retry) goes to stderr.
  const progress = createProgress(process.stderr, { intervalMs: flags.progressInterval * 1000 });
  const http = new HubSpotHttp({
    baseUrl: flags.baseUrl,
    accessToken,
    onRetry: logRetries((line) => progress.log(line)),
    ...(flags.developerApiKey === undefined ? {} : { developerApiKey: flags.developerApiKey }),
  });
  let tokenNames: string[] = [];
  if (flags.format === 'csv') {
    // CSV columns are fixed before the first row, so the token names come from the app's templates.
    const credentials = requireDeveloperCredentials(flags, 'events export --format csv');
    const templates = await listTemplates(http, credentials.appId);
    const chosen = templates.filter(
      (t) => flags.eventTemplateId === undefined || t.id === flags.eventTemplateId,
    );
    tokenNames = [...new Set(chosen.flatMap((t) => t.tokens.map((token) => token.name)))].sort();
  }
  const filter: ExportFilter = {
    objectTypes: flags.objectType.length > 0 ? flags.objectType : STANDARD_TYPES,
    pageSize: flags.pageSize,
  };
  if (flags.objectId !== undefined) filter.objectId = flags.objectId;
  if (flags.eventTemplateId !== undefined) filter.eventTemplateId = flags.eventTemplateId;
  if (flags.since !== undefined) filter.since = flags.since;
  if (flags.until !== undefined) filter.until = flags.until;

  const file = flags.output === '-' ? undefined : openOutputFile(flags.output, '--output');
  const sink = file?.write ?? streamSink(process.stdout);
  const output: EventOutput = flags.format === 'csv' ? csvOutput(sink, tokenNames) : ndjsonOutput(sink);
  const started = Date.now();
  let written = 0;
  try {
    for await (const event of timelineEvents(http, filter)) {
      await output.write(event);
      written += 1;
      if (written % 100 === 0) {
        const seconds = (Date.now() - started) / 1000;
        progress.update({
          value: written,
          counters: { exported: written },
          rate: seconds > 0 ? written / seconds : 0,
        });
      }
    }
    await output.finish();
  } finally {
    progress.stop();
    await file?.close();
  }
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `exported ${written} events in ${seconds.toFixed(1)}s${flags.output === '-' ? '' : ` to ${flags.output}`}\n`,
  );
  return 0;
}
