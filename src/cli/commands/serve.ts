/** `timeline-server serve`: the settings, the start (or why it failed), the banner, the stop. */
import { type Command, Option } from 'commander';
import { ConfigError, commandLineOptions, loadConfig, type SettingSource } from '../../config.js';
import { StoreCannotOpenError, StoreCorruptError, StoreUnavailableError } from '../../domain/store-errors.js';
import { ApiError } from '../../errors.js';
import { redactDatabase } from '../../redact.js';
import { type RunningServer, startServer } from '../../server.js';
import { bannerLines, exposureWarning } from '../banner.js';
import { describeDetail, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../cli-error.js';
import { limitHeapGrowth } from '../heap-growth.js';
import { clearReadyFile, removeReadyFile, writeReadyFile } from '../ready-file.js';

export function registerServe(program: Command): void {
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
      const setting = settingFailure(error, config.port, config.host);
      if (setting !== undefined) {
        console.error(`timeline-server: ${setting}`);
        process.exit(EXIT_USAGE);
      }
      console.error(`timeline-server: ${startFailure(error, config.db)}`);
      // A database the settings name but that cannot be used is the user's setting to fix (2); a
      // database that is down, or anything else, is a runtime failure (1).
      process.exit(
        error instanceof StoreCannotOpenError || error instanceof StoreCorruptError
          ? EXIT_USAGE
          : EXIT_FAILURE,
      );
    }
    const address = server.app.server.address();
    const warning = exposureWarning(
      config.host,
      typeof address === 'object' && address ? address.address : config.host,
    );
    if (warning) console.error(warning);
    const lines = bannerLines({
      credentials: server.credentials,
      url: server.url,
      database: redactDatabase(config.db),
    });
    console.log(lines.join('\n'));
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
}

/** The message of a start-up failure that a setting caused (exit 2), or undefined. */
function settingFailure(error: unknown, port: number, host: string): string | undefined {
  if (error instanceof ConfigError) return error.message;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  // The listening address is looked up before the socket opens: a name that does not resolve.
  if (syscall === 'getaddrinfo' && (code === 'ENOTFOUND' || code === 'EAI_AGAIN')) {
    return `--host ${host} is not a name this machine can resolve (give an address such as 127.0.0.1, or 0.0.0.0 for every interface)`;
  }
  // Only the listening socket's: an EACCES reading a --project folder is not about the port.
  if (syscall !== 'listen') return undefined;
  if (code === 'EADDRINUSE') {
    return `port ${port} is in use by another process (choose another --port, or --port 0 for a free one)`;
  }
  if (code === 'EACCES') {
    return `port ${port} needs privileges this user does not have (choose a --port above 1023)`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `--host ${host} is not an address of this machine (give 127.0.0.1, 0.0.0.0 for every interface, or one of this machine's addresses)`;
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
 * Graceful shutdown: the first SIGTERM or SIGINT stops accepting, lets in-flight requests finish
 * (at most `--shutdown-timeout` seconds), closes the store and exits 0 (1 if requests had to be cut
 * or the close failed). A second signal exits at once with EXIT_FORCED; whatever was committed
 * stays committed, and what was not yet answered was never acknowledged.
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
