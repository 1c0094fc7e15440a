#!/usr/bin/env node
/** The `timeline-server` command. `serve` starts the server; every flag has an env variable too. */
import { Command, Option } from 'commander';
import { ConfigError, commandLineOptions, loadConfig, type SettingSource } from '../config.js';
import { ApiError } from '../errors.js';
import { readFixture, startServer } from '../server.js';

const program = new Command('timeline-server').description(
  "A self-hostable server that speaks HubSpot's Timeline Events API v3",
);

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
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (error) {
    // A fixture given with --seed that is not valid: every problem, by its path in the fixture.
    if (error instanceof ApiError) {
      console.error(`timeline-server: ${error.message}`);
      for (const detail of error.details) console.error(`  ${detail.in ?? ''}: ${detail.message}`);
      process.exit(1);
    }
    throw error;
  }
  const { credentials } = server;
  console.log(`portal id:          ${credentials.portalId} (time zone ${credentials.timeZone})`);
  console.log(`app id:             ${credentials.appId}`);
  console.log(`access token:       ${credentials.accessToken}`);
  console.log(`developer API key:  ${credentials.developerApiKey}`);
  console.log(`admin token:        ${credentials.adminToken}`);
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
    const fixture = await readFixture(file);
    const response = await fetch(new URL('/_admin/v1/seed', flags.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${flags.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(fixture),
    });
    const body = (await response.json().catch(() => ({}))) as {
      message?: string;
      errors?: { in?: string; message: string }[];
    };
    if (response.status !== 201) {
      console.error(`timeline-server: ${response.status} ${body.message ?? ''}`);
      for (const detail of body.errors ?? []) console.error(`  ${detail.in ?? ''}: ${detail.message}`);
      process.exit(1);
    }
    console.log(JSON.stringify(body, null, 2));
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`timeline-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
