/** `timeline-server seed FILE`: loads a JSON fixture into a running server (POST /_admin/v1/seed). */
import { type Command, Option } from 'commander';
import { ConfigError } from '../../config.js';
import { readFixture } from '../../server.js';
import { CliError, describeDetail, EXIT_FAILURE, usageError } from '../cli-error.js';
import { connectFailure, networkReason } from '../hubspot-http.js';
import { baseUrl, credential, DEFAULT_BASE_URL } from '../target-options.js';

interface SeedFlags {
  baseUrl: string;
  url?: string;
  adminToken: string;
}

export function registerSeed(program: Command): void {
  const seed = program
    .command('seed')
    .description('load a JSON fixture into a running server (POST /_admin/v1/seed)')
    .argument('<file>', 'the fixture (see docs/testing.md)')
    .addOption(
      new Option('--base-url <url>', 'the server')
        .env('HUBSPOT_BASE_URL')
        .default(DEFAULT_BASE_URL)
        .argParser(baseUrl),
    )
    // The flag's former name, kept so that scripts written for it still work.
    .addOption(new Option('--url <url>', 'the same as --base-url').argParser(baseUrl).hideHelp())
    .addOption(
      new Option('--admin-token <token>', 'its admin token')
        .env('TIMELINE_ADMIN_TOKEN')
        .makeOptionMandatory()
        .argParser(credential),
    );
  seed.action(async (file: string, flags: SeedFlags) => {
    const fixture = await readFixture(file).catch((error: unknown) => {
      throw error instanceof ConfigError
        ? usageError(error.message, 'give the path of a JSON fixture (see docs/testing.md)')
        : error;
    });
    const target = serverUrl(flags, seed.getOptionValueSource('baseUrl') === 'cli');
    let response: Response;
    try {
      response = await fetch(`${target}/_admin/v1/seed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${flags.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(fixture),
      });
    } catch (error) {
      throw (
        connectFailure(target, error) ??
        new CliError(
          `cannot reach ${target}: ${networkReason(error)}`,
          'check that the server is running (timeline-server serve) and that --base-url names it',
        )
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      message?: string;
      errors?: { in?: string; message: string }[];
    };
    if (response.status === 401) {
      throw new CliError(
        `${target} refused the admin token (401)`,
        "pass the token `serve` printed as 'admin token:' (--admin-token or TIMELINE_ADMIN_TOKEN)",
      );
    }
    if (response.status !== 201) {
      console.error(`timeline-server: ${response.status} ${body.message ?? ''}`);
      for (const detail of body.errors ?? []) console.error(`  ${describeDetail(detail)}`);
      process.exit(EXIT_FAILURE);
    }
    console.log(JSON.stringify(body, null, 2));
  });
}

/** --url (the former name) wins over HUBSPOT_BASE_URL, as a flag does; with --base-url too, they must agree. */
function serverUrl(flags: SeedFlags, baseUrlGiven: boolean): string {
  if (flags.url === undefined) return flags.baseUrl;
  if (baseUrlGiven && flags.url !== flags.baseUrl) {
    throw usageError(
      `--url '${flags.url}' and --base-url '${flags.baseUrl}' name two servers`,
      'give --base-url only (--url is its former name)',
    );
  }
  return flags.url;
}
