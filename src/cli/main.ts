#!/usr/bin/env node
/** The `timeline-server` command. `serve` starts the server; every flag has an env variable too. */
import { Command } from 'commander';
import { ConfigError, commandLineOptions, loadConfig, type SettingSource } from '../config.js';
import { startServer } from '../server.js';
import { CliError, EXIT_USAGE } from './cli-error.js';
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
});

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
