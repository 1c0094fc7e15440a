/**
 * The one place that reads configuration. Every setting has a default, an environment variable and
 * a command-line flag (defaults < environment < flags). Commander merges the three
 * (`commandLineOptions`, each option with `Option.env()` and its default, so `--help` shows both);
 * `loadConfig` then validates every value once, naming the flag or variable it came from, and
 * returns a frozen object that is passed to whoever needs it. Code that starts a server without a
 * command line passes the same settings to `loadConfig` directly.
 */
import { Option } from 'commander';
import { parseRateLimit, RATE_LIMIT_SYNTAX, type RateLimitPolicy } from './domain/rate-limit-policy.js';
import { Limits, type LimitValues } from './limits.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** A SQLite file path, `:memory:`, or a `postgres://` URL. */
  readonly db: string;
  readonly portalId: number | undefined;
  readonly appId: number | undefined;
  readonly accessToken: string | undefined;
  readonly developerApiKey: string | undefined;
  readonly adminToken: string | undefined;
  /** IANA zone of the provisioned portal, used by `formatDate` when rendering. */
  readonly timeZone: string;
  readonly autoCreateRecords: boolean;
  readonly pgPoolSize: number;
  readonly logLevel: string;
  readonly limits: Readonly<LimitValues>;
  // issue 10: rate limits, the request journal, a fixture loaded at start
  /** HubSpot's rate limits for every portal without its own setting; null: off. */
  readonly rateLimit: RateLimitPolicy | null;
  /** Requests the journal (`GET /_admin/v1/requests`) keeps. */
  readonly journalSize: number;
  /** A seed fixture (JSON file) loaded at start. */
  readonly seed: string | undefined;
}

type Parser = (raw: string, name: string) => unknown;

export interface ConfigOption {
  readonly key: string;
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly parse: Parser;
  /** Shown in `--help` and used when neither a flag nor the environment gives a value. */
  readonly default?: string;
  /** A switch: the flag alone means true; `=false` (or the variable set to false) turns it off. */
  readonly boolean?: boolean;
}

const text: Parser = (raw) => raw;
const integer =
  (min: number, max: number): Parser =>
  (raw, name) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    }
    return value;
  };
const bool: Parser = (raw, name) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
};
const timeZone: Parser = (raw, name) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
  } catch {
    throw new ConfigError(`${name} must be an IANA time zone such as America/New_York, got '${raw}'`);
  }
  return raw;
};
const logLevel: Parser = (raw, name) => {
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw)) {
    throw new ConfigError(`${name} must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  return raw;
};

const rateLimit: Parser = (raw, name) => {
  try {
    return parseRateLimit(raw);
  } catch (error) {
    throw new ConfigError(`${name} ${(error as Error).message}`);
  }
};

export class ConfigError extends Error {}

export const configOptions: readonly ConfigOption[] = [
  {
    key: 'port',
    flag: '--port <port>',
    env: 'TIMELINE_PORT',
    description: 'TCP port (0 picks a free one)',
    parse: integer(0, 65535),
    default: '8080',
  },
  {
    key: 'host',
    flag: '--host <host>',
    env: 'TIMELINE_HOST',
    description: 'address to listen on',
    parse: text,
    default: '127.0.0.1',
  },
  {
    key: 'db',
    flag: '--db <path-or-url>',
    env: 'TIMELINE_DB',
    description: 'SQLite file, :memory:, or postgres:// URL',
    parse: text,
    default: './data/timeline.db',
  },
  {
    key: 'portalId',
    flag: '--portal-id <id>',
    env: 'TIMELINE_PORTAL_ID',
    description: 'portal (HubSpot account) to provision',
    parse: integer(1, 2 ** 53 - 1),
  },
  {
    key: 'appId',
    flag: '--app-id <id>',
    env: 'TIMELINE_APP_ID',
    description: 'app to provision',
    parse: integer(1, 2 ** 53 - 1),
  },
  {
    key: 'accessToken',
    flag: '--access-token <token>',
    env: 'TIMELINE_ACCESS_TOKEN',
    description: 'access token to provision (scope timeline)',
    parse: text,
  },
  {
    key: 'developerApiKey',
    flag: '--developer-api-key <key>',
    env: 'TIMELINE_DEVELOPER_API_KEY',
    description: 'developer API key (hapikey) to provision',
    parse: text,
  },
  {
    key: 'adminToken',
    flag: '--admin-token <token>',
    env: 'TIMELINE_ADMIN_TOKEN',
    description: 'token for the /_admin routes',
    parse: text,
  },
  {
    key: 'timeZone',
    flag: '--time-zone <zone>',
    env: 'TIMELINE_TIME_ZONE',
    description: 'IANA time zone of the provisioned portal',
    parse: timeZone,
    default: 'UTC',
  },
  {
    key: 'autoCreateRecords',
    flag: '--auto-create-records [bool]',
    env: 'TIMELINE_AUTO_CREATE_RECORDS',
    description: 'create a missing CRM record for an unknown objectId instead of failing',
    parse: bool,
    default: 'false',
    boolean: true,
  },
  {
    key: 'pgPoolSize',
    flag: '--pg-pool-size <n>',
    env: 'TIMELINE_PG_POOL_SIZE',
    description: 'PostgreSQL connections per process',
    parse: integer(1, 1000),
    default: '10',
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'TIMELINE_LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent',
    parse: logLevel,
    default: 'warn',
  },
  {
    key: 'maxBatchInputs',
    flag: '--max-batch-inputs <n>',
    env: 'TIMELINE_MAX_BATCH_INPUTS',
    description: 'inputs allowed in one batch request',
    parse: integer(1, 100000),
    default: String(Limits.MAX_BATCH_INPUTS),
  },
  {
    key: 'maxTokensPerTemplate',
    flag: '--max-tokens-per-template <n>',
    env: 'TIMELINE_MAX_TOKENS_PER_TEMPLATE',
    description: 'tokens allowed in one event template',
    parse: integer(1, 100000),
    default: String(Limits.MAX_TOKENS_PER_TEMPLATE),
  },
  {
    key: 'maxPendingWrites',
    flag: '--max-pending-writes <n>',
    env: 'TIMELINE_MAX_PENDING_WRITES',
    description: 'event-write requests that may wait for the SQLite writer; more answer 503',
    parse: integer(1, 100000),
    default: String(Limits.MAX_PENDING_WRITES),
  },
  {
    key: 'bodyLimit',
    flag: '--body-limit <bytes>',
    env: 'TIMELINE_BODY_LIMIT',
    description: 'largest request body in bytes',
    parse: integer(1024, 2 ** 31 - 1),
    default: String(Limits.MAX_BODY_BYTES),
  },
  // issue 10: rate limits, the request journal, a fixture loaded at start
  {
    key: 'rateLimit',
    flag: '--rate-limit <limit>',
    env: 'TIMELINE_RATE_LIMIT',
    description: `HubSpot's rate limits: ${RATE_LIMIT_SYNTAX}`,
    parse: rateLimit,
    default: 'free',
  },
  {
    key: 'journalSize',
    flag: '--journal-size <n>',
    env: 'TIMELINE_JOURNAL_SIZE',
    description: 'requests kept by the request journal (GET /_admin/v1/requests); 0 turns it off',
    parse: integer(0, 1_000_000),
    default: '1000',
  },
  {
    key: 'seed',
    flag: '--seed <file>',
    env: 'TIMELINE_SEED',
    description: 'a JSON fixture to load at start (see docs/testing.md)',
    parse: text,
  },
];

/** Commander options for every setting: flag, environment variable and default, as `--help` shows them. */
export function commandLineOptions(): Option[] {
  return configOptions.map((setting) => {
    const option = new Option(setting.flag, setting.description).env(setting.env);
    if (setting.default !== undefined) option.default(setting.default);
    if (setting.boolean) option.preset('true');
    return option;
  });
}

/** Where a setting's value came from, for messages: its flag, or its environment variable. */
export type SettingSource = 'cli' | 'env' | 'default' | 'code' | undefined;

/**
 * Validates the settings and builds the frozen Config.
 * @param settings values by option key: strings as a command line or the environment gives them,
 *   or typed values from code; a missing key takes its default.
 * @param sourceOf where a key's value came from, so an error names `--port` or `TIMELINE_PORT`.
 */
export function loadConfig(
  settings: Record<string, unknown> = {},
  sourceOf: (key: string) => SettingSource = () => 'cli',
): Config {
  const values: Record<string, unknown> = {};
  for (const option of configOptions) {
    const given = settings[option.key] === true ? 'true' : (settings[option.key] ?? option.default);
    if (given === undefined) continue;
    const name = sourceOf(option.key) === 'env' ? option.env : (option.flag.split(' ')[0] ?? option.key);
    values[option.key] = typeof given === 'string' ? option.parse(given, name) : given;
  }
  const limits: LimitValues = { ...Limits };
  if (values.maxBatchInputs !== undefined) limits.MAX_BATCH_INPUTS = values.maxBatchInputs as number;
  if (values.maxTokensPerTemplate !== undefined)
    limits.MAX_TOKENS_PER_TEMPLATE = values.maxTokensPerTemplate as number;
  if (values.bodyLimit !== undefined) limits.MAX_BODY_BYTES = values.bodyLimit as number;
  if (values.maxPendingWrites !== undefined) limits.MAX_PENDING_WRITES = values.maxPendingWrites as number;
  return Object.freeze({
    port: values.port as number,
    host: values.host as string,
    db: values.db as string,
    portalId: values.portalId as number | undefined,
    appId: values.appId as number | undefined,
    accessToken: values.accessToken as string | undefined,
    developerApiKey: values.developerApiKey as string | undefined,
    adminToken: values.adminToken as string | undefined,
    timeZone: values.timeZone as string,
    autoCreateRecords: values.autoCreateRecords as boolean,
    pgPoolSize: values.pgPoolSize as number,
    logLevel: values.logLevel as string,
    limits: Object.freeze(limits),
    rateLimit: (values.rateLimit ?? null) as RateLimitPolicy | null,
    journalSize: values.journalSize as number,
    seed: values.seed as string | undefined,
  });
}
