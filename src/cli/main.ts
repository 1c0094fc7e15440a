#!/usr/bin/env node
/** The `timeline-server` command. `serve` starts the server; every flag has an env variable too. */
import { Command } from 'commander';
import { ConfigError, commandLineOptions, loadConfig, type SettingSource } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.js';
import { registerEvents } from './commands/events.js';
import { registerTemplates } from './commands/templates.js';

const program = new Command('timeline-server').description(
  "A self-hostable server that speaks HubSpot's Timeline Events API v3",
);
// Commander's own usage errors (unknown flag, bad value, missing argument) exit 2, help exits 0.
program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));

const serve = program.command('serve').description('start the HTTP server');
for (const option of commandLineOptions()) serve.addOption(option);
serve.action(async (flags: Record<string, unknown>) => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(flags, (key) => serve.getOptionValueSource(key) as SettingSource);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`timeline-server: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const server = await startServer(config);
  const { credentials } = server;
  console.log(`portal id:          ${credentials.portalId} (time zone ${credentials.timeZone})`);
  console.log(`app id:             ${credentials.appId}`);
  console.log(`access token:       ${credentials.accessToken}`);
  console.log(`developer API key:  ${credentials.developerApiKey}`);
  console.log(`admin token:        ${credentials.adminToken}`);
  console.log(`oauth client id:    ${credentials.oauthClientId}`);
  console.log(`oauth secret:       ${credentials.oauthClientSecret}`);
  console.log(`oauth redirect uri: ${credentials.oauthRedirectUri}`);
  console.log(`database:           ${config.db}`);
  console.log(`listening on ${server.url}`);

  stopOnSignals(server, config.shutdownTimeout);
});

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

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CliError) {
    console.error(`timeline-server: ${error.describe()}`);
    process.exit(error.exitCode);
  }
  console.error(`timeline-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
