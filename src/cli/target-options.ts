/**
 * The flags every client command shares: where the HubSpot-compatible API is and which credentials
 * to use. Each reads an environment variable too (HubSpot's usual names), and `--help` shows both.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { usageError } from './cli-error.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export interface TargetOptions {
  baseUrl: string;
  accessToken?: string;
  developerApiKey?: string;
  appId?: string;
}

/** A `--base-url`: http(s), without a trailing slash; refused by commander (exit 2) otherwise. */
export function baseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(`'${raw}' is not a URL; give one such as ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`'${raw}' must start with http:// or https://`);
  }
  return raw.replace(/\/+$/, '');
}

/** A positive integer flag within bounds, refused by commander (exit 2) otherwise. */
export function integerIn(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    }
    return value;
  };
}

/**
 * A credential flag's value: empty or whitespace-only (what a compose file gives for a variable
 * that is not set) is refused, naming the flag or variable, instead of being sent and refused.
 */
export function credential(raw: string): string {
  if (raw.trim() === '') {
    throw new InvalidArgumentError(
      `It is ${raw === '' ? 'empty' : 'only whitespace'}: give the value, or unset the variable.`,
    );
  }
  return raw;
}

function appId(raw: string): string {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new InvalidArgumentError('must be a positive integer (the app id)');
  return raw;
}

export function addTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--base-url <url>', 'HubSpot-compatible API to talk to (https://api.hubapi.com for HubSpot)')
        .env('HUBSPOT_BASE_URL')
        .default(DEFAULT_BASE_URL)
        .argParser(baseUrl),
    )
    .addOption(
      new Option('--access-token <token>', 'Bearer token of the portal and app (scope timeline)')
        .env('HUBSPOT_ACCESS_TOKEN')
        .argParser(credential),
    )
    .addOption(
      new Option('--developer-api-key <key>', 'developer API key (?hapikey=) of the account owning the app')
        .env('HUBSPOT_DEVELOPER_API_KEY')
        .argParser(credential),
    )
    .addOption(
      new Option('--app-id <id>', 'id of the app owning the event templates')
        .env('HUBSPOT_APP_ID')
        .argParser(appId),
    );
}

/** The access token, or a usage error saying where to get one. */
export function requireAccessToken(options: TargetOptions, command: string): string {
  if (options.accessToken) return options.accessToken;
  throw usageError(
    `${command} needs an access token and none was given`,
    'pass --access-token or set HUBSPOT_ACCESS_TOKEN (timeline-server serve prints one at start)',
  );
}

/** The app id and developer API key, or a usage error naming what is missing. */
export function requireDeveloperCredentials(
  options: TargetOptions,
  command: string,
): { appId: string; developerApiKey: string } {
  const missing = [
    options.appId ? undefined : '--app-id (or HUBSPOT_APP_ID)',
    options.developerApiKey ? undefined : '--developer-api-key (or HUBSPOT_DEVELOPER_API_KEY)',
  ].filter((item): item is string => item !== undefined);
  if (missing.length > 0 || !options.appId || !options.developerApiKey) {
    throw usageError(
      `${command} manages event templates, which needs the app id and the developer API key; missing: ${missing.join(', ')}`,
      'pass them as flags or environment variables (timeline-server serve prints both at start)',
    );
  }
  return { appId: options.appId, developerApiKey: options.developerApiKey };
}
