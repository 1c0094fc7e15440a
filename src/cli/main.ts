#!/usr/bin/env node
/** The `timeline-server` command. `serve` starts the server; every flag has an env variable too. */
import { Command, Option } from 'commander';
import { ConfigError, commandLineOptions, loadConfig, type SettingSource } from '../config.js';
import { StoreCannotOpenError, StoreCorruptError, StoreUnavailableError } from '../domain/store-errors.js';
import { ApiError } from '../errors.js';
import { redactDatabase } from '../redact.js';
import { type RunningServer, readFixture, startServer } from '../server.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, usageError } from './cli-error.js';
import { registerEvents } from './commands/events.js';
import { registerTemplates } from './commands/templates.js';
import { limitHeapGrowth } from './heap-growth.js';
import { networkReason } from './hubspot-http.js';
import { packageVersion } from './package-version.js';
import { clearReadyFile, removeReadyFile, writeReadyFile } from './ready-file.js';

const program = new Command('timeline-server')
  .description("A self-hostable server that speaks HubSpot's timeline APIs (v3, app events, OAuth)")
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError('(run the command with --help to see every option)')
  .addHelpText(
    'after',
    '\nExit codes: 0 success; 1 a runtime failure (a server, file or network problem); 2 a usage error (a flag, value or setting that cannot work); 130 a stop forced by a second Ctrl-C or SIGTERM.',
  );
// Commander's own usage errors (unknown flag, bad value, missing argument) exit 2, help exits 0.
program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));

const serve = program.command('serve').description('start the HTTP server');
for (const option of commandLineOptions()) serve.addOption(option);
serve.addOption(
  new Option(
    '--ready-file <path>',
    'once listening, write {"url": ..., "pid": ...} to this file (removed on stop): for test suites that start the server as a subprocess',
  ).env('TIMELINE_READY_FILE'),
);
serve.action(async (flags: Record<string, unknown>) => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(flags, (key) => serve.getOptionValueSource(key) as SettingSource);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`timeline-server: ${error.message}`);
      process.exit(EXIT_USAGE);
    }
    throw error;
  }
  limitHeapGrowth();
  const readyFile = typeof flags.readyFile === 'string' ? flags.readyFile : undefined;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    if (readyFile !== undefined) clearReadyFile(readyFile);
    server = await startServer(config);
  } catch (error) {
    // A fixture given with --seed that is not valid: every problem, by its path in the fixture.
    if (error instanceof ApiError) {
      console.error(`timeline-server: ${error.message}`);
      for (const detail of error.details) console.error(`  ${describeDetail(detail)}`);
      process.exit(EXIT_USAGE);
    }
    // A setting that cannot work: a --seed or --project that cannot be read, a port taken.
    const setting = settingFailure(error, config.port);
    if (setting !== undefined) {
      console.error(`timeline-server: ${setting}`);
      process.exit(EXIT_USAGE);
    }
    console.error(`timeline-server: ${startFailure(error, config.db)}`);
    // A database the settings name but that cannot be used is the user's setting to fix (2); a
    // database that is down, or anything else, is a runtime failure (1).
    process.exit(
      error instanceof StoreCannotOpenError || error instanceof StoreCorruptError ? EXIT_USAGE : EXIT_FAILURE,
    );
  }
  const { credentials } = server;
  console.log(`portal id:          ${credentials.portalId} (time zone ${credentials.timeZone})`);
  console.log(`app id:             ${credentials.appId}`);
  console.log(`access token:       ${credentials.accessToken}`);
  console.log(`developer API key:  ${credentials.developerApiKey}`);
  console.log(`admin token:        ${credentials.adminToken}`);
  console.log(`oauth client id:    ${credentials.oauthClientId}`);
  console.log(`oauth secret:       ${credentials.oauthClientSecret}`);
  console.log(`oauth redirect uri: ${credentials.oauthRedirectUri}`);
  console.log(`database:           ${redactDatabase(config.db)}`);
  console.log(`listening on ${server.url}`);
  if (readyFile !== undefined) {
    try {
      writeReadyFile(readyFile, server.url);
    } catch (error) {
      console.error(`timeline-server: cannot write --ready-file ${readyFile}: ${(error as Error).message}`);
      await server.close();
      process.exit(EXIT_USAGE);
    }
    process.on('exit', () => removeReadyFile(readyFile));
  }

  stopOnSignals(server, config.shutdownTimeout);
});

/** One problem of a fixture: its path, then what is wrong (once, when the message starts with it). */
function describeDetail(detail: { in?: string | undefined; message: string }): string {
  if (detail.in === undefined || detail.message.startsWith(detail.in)) return detail.message;
  return `${detail.in}: ${detail.message}`;
}

/** The message of a start-up failure that a setting caused (exit 2), or undefined. */
function settingFailure(error: unknown, port: number): string | undefined {
  if (error instanceof ConfigError) return error.message;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  // Only the listening socket's: an EACCES reading a --project folder is not about the port.
  if (syscall !== 'listen') return undefined;
  if (code === 'EADDRINUSE') {
    return `port ${port} is in use by another process (choose another --port, or --port 0 for a free one)`;
  }
  if (code === 'EACCES') {
    return `port ${port} needs privileges this user does not have (choose a --port above 1023)`;
  }
  return undefined;
}

/** Why the server could not start, in words a user can act on; secrets redacted. */
function startFailure(error: unknown, db: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof StoreUnavailableError) {
    return `cannot reach the database ${redactDatabase(db)}: ${message} (is PostgreSQL running and the URL right? check --db)`;
  }
  return redactDatabase(message);
}

/**
 * Exit code of a stop forced by a second SIGINT/SIGTERM: 128 + SIGINT's number, what a shell
 * reports for a program interrupted by Ctrl-C, so scripts and supervisors read it as "interrupted
 * by the operator", apart from 1 (a failure of the server's own, such as a stop that timed out).
 */
const EXIT_FORCED = 130;

/**
 * Graceful shutdown (issue 12): the first SIGTERM or SIGINT stops accepting, lets in-flight requests
 * finish (at most `--shutdown-timeout` seconds), closes the store and exits 0 (1 if requests had to
 * be cut or the close failed). A second signal exits at once with EXIT_FORCED; whatever was
 * committed stays committed, and what was not yet answered was never acknowledged.
 */
function stopOnSignals(server: RunningServer, timeoutSeconds: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`timeline-server: ${signal} again: exiting now, without waiting for in-flight requests`);
      process.exit(EXIT_FORCED);
    }
    stopping = true;
    console.log(
      `${signal}: stopping; finishing in-flight requests (at most ${timeoutSeconds} s, ${signal} again to exit at once)`,
    );
    server.close().then(
      ({ drained }) => {
        if (drained) {
          console.log('stopped');
          process.exit(EXIT_OK);
        }
        console.error(
          `timeline-server: requests were still running after ${timeoutSeconds} s (--shutdown-timeout); they were cut unanswered`,
        );
        process.exit(EXIT_FAILURE);
      },
      (error: unknown) => {
        console.error(
          `timeline-server: stopping failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

registerEvents(program);
registerTemplates(program);
// issue 10: load a fixture into a running server (POST /_admin/v1/seed)
program
  .command('seed')
  .description('load a JSON fixture into a running server (POST /_admin/v1/seed)')
  .argument('<file>', 'the fixture (see docs/testing.md)')
  .requiredOption('--url <url>', 'the server, e.g. http://127.0.0.1:8080')
  .addOption(
    new Option('--admin-token <token>', 'its admin token').env('TIMELINE_ADMIN_TOKEN').makeOptionMandatory(),
  )
  .action(async (file: string, flags: { url: string; adminToken: string }) => {
    const fixture = await readFixture(file).catch((error: unknown) => {
      throw error instanceof ConfigError
        ? usageError(error.message, 'give the path of a JSON fixture (see docs/testing.md)')
        : error;
    });
    let url: URL;
    try {
      url = new URL('/_admin/v1/seed', flags.url);
    } catch {
      throw usageError(
        `--url '${flags.url}' is not a URL`,
        "give the server's address, e.g. http://127.0.0.1:8080",
      );
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${flags.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(fixture),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach ${flags.url}: ${networkReason(error)}`,
        'check that the server is running (timeline-server serve) and that --url names it',
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      message?: string;
      errors?: { in?: string; message: string }[];
    };
    if (response.status === 401) {
      throw new CliError(
        `${flags.url} refused the admin token (401)`,
        "pass the token `serve` printed as 'admin token:' (--admin-token or TIMELINE_ADMIN_TOKEN)",
      );
    }
    if (response.status !== 201) {
      console.error(`timeline-server: ${response.status} ${body.message ?? ''}`);
      for (const detail of body.errors ?? []) console.error(`  ${describeDetail(detail)}`);
      process.exit(1);
    }
    console.log(JSON.stringify(body, null, 2));
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CliError) {
    console.error(`timeline-server: ${error.describe()}`);
    process.exit(error.exitCode);
  }
  console.error(`timeline-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
