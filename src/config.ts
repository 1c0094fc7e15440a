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
import { isTimeZone } from './domain/time-zone.js';
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
  /** Given explicitly, it sets the provisioned portal's zone; otherwise the stored zone stays. */
  readonly timeZone: string | undefined;
  readonly autoCreateRecords: boolean;
  readonly pgPoolSize: number;
  readonly logLevel: string;
  readonly limits: Readonly<LimitValues>;
  // issue 14: app events and the OAuth stand-in
  /** A HubSpot project folder whose `src/app/app-events/*-hsmeta.json` are loaded at start. */
  readonly project: string | undefined;
  /** Reload the project's app event types when its files change. */
  readonly watch: boolean;
  readonly oauthClientId: string | undefined;
  readonly oauthClientSecret: string | undefined;
  readonly oauthRedirectUri: string | undefined;
  /** Seconds an OAuth access token lives (HubSpot: 1800). */
  readonly oauthTokenTtl: number;
  /** `/oauth/authorize` approves at once, for the first portal, without a page (headless tests). */
  readonly oauthAutoApprove: boolean;
  // issue 10: rate limits, the request journal, a fixture loaded at start
  /** HubSpot's rate limits for every portal without its own setting; null: off. */
  readonly rateLimit: RateLimitPolicy | null;
  /** Requests the journal (`GET /_admin/v1/requests`) keeps. */
  readonly journalSize: number;
  /** A seed fixture (JSON file) loaded at start. */
  readonly seed: string | undefined;
  // issue 12: hostile clients and metrics
  /** Seconds a request (headers and body) may take to arrive; then 408 and the connection is cut. */
  readonly requestTimeout: number;
  /** Seconds a connection may stay idle (no byte either way) before it is closed. */
  readonly connectionTimeout: number;
  /** Open connections accepted at once; more are closed as they arrive. */
  readonly maxConnections: number;
  /** `GET /metrics` without the admin token. */
  readonly metricsPublic: boolean;
  // issue 12: graceful shutdown
  /** Seconds a stopping server waits for in-flight requests before it cuts them and exits 1. */
  readonly shutdownTimeout: number;
  /** Honour a request's own `X-Timeline-Fault` header (a test server; never a shared one). */
  readonly allowFaultHeader: boolean;
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
  if (!isTimeZone(raw)) {
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

const absoluteUrl: Parser = (raw, name) => {
  if (!URL.canParse(raw)) throw new ConfigError(`${name} must be an absolute URL, got '${raw}'`);
  return raw;
};

/**
 * A SQLite path, `:memory:`, or a `postgres://` (`postgresql://`) URL. Anything else shaped like a
 * URL (`postgress://`, `mysql://`) is refused rather than taken for a SQLite file of that name.
 */
const database: Parser = (raw, name) => {
  if (raw === '')
    throw new ConfigError(
      `${name} must not be empty: give a SQLite file path, :memory: or a postgres:// URL`,
    );
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1];
  if (scheme !== undefined && !/^postgres(ql)?$/i.test(scheme)) {
    throw new ConfigError(
      `${name} has the scheme '${scheme}://', which this server does not speak: use postgres:// (or postgresql://) for PostgreSQL, or a file path for SQLite`,
    );
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
    parse: database,
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
    description:
      'IANA time zone of the provisioned portal; sets it at every start (without it: the zone set through the admin API, kept across restarts, else UTC)',
    parse: timeZone,
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
  // issue 14: app events and the OAuth stand-in
  {
    key: 'project',
    flag: '--project <dir>',
    env: 'TIMELINE_PROJECT',
    description: 'HubSpot project folder: load its src/app/app-events/*-hsmeta.json for the provisioned app',
    parse: text,
  },
  {
    key: 'watch',
    flag: '--watch [bool]',
    env: 'TIMELINE_WATCH',
    description: "reload the --project's app event types when its files change",
    parse: bool,
    default: 'false',
    boolean: true,
  },
  {
    key: 'oauthClientId',
    flag: '--oauth-client-id <id>',
    env: 'TIMELINE_OAUTH_CLIENT_ID',
    description: 'client id of the provisioned OAuth app',
    parse: text,
  },
  {
    key: 'oauthClientSecret',
    flag: '--oauth-client-secret <secret>',
    env: 'TIMELINE_OAUTH_CLIENT_SECRET',
    description: 'client secret of the provisioned OAuth app',
    parse: text,
  },
  {
    key: 'oauthRedirectUri',
    flag: '--oauth-redirect-uri <uri>',
    env: 'TIMELINE_OAUTH_REDIRECT_URI',
    description: 'redirect URI of the provisioned OAuth app',
    parse: absoluteUrl,
  },
  {
    key: 'oauthTokenTtl',
    flag: '--oauth-token-ttl <seconds>',
    env: 'TIMELINE_OAUTH_TOKEN_TTL',
    description: 'lifetime of OAuth access tokens in seconds',
    parse: integer(1, 10 * 365 * 86400),
    default: '1800',
  },
  {
    key: 'oauthAutoApprove',
    flag: '--oauth-auto-approve [bool]',
    env: 'TIMELINE_OAUTH_AUTO_APPROVE',
    description: '/oauth/authorize approves at once for the provisioned portal (headless tests)',
    parse: bool,
    default: 'false',
    boolean: true,
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
  // issue 12: hostile clients and metrics
  {
    key: 'requestTimeout',
    flag: '--request-timeout <seconds>',
    env: 'TIMELINE_REQUEST_TIMEOUT',
    description: 'seconds a request (headers and body) may take to arrive; slower ones get 408 and are cut',
    parse: integer(1, 3600),
    default: '30',
  },
  {
    key: 'connectionTimeout',
    flag: '--connection-timeout <seconds>',
    env: 'TIMELINE_CONNECTION_TIMEOUT',
    description: 'seconds a connection may stay idle before it is closed',
    parse: integer(1, 3600),
    default: '120',
  },
  {
    key: 'maxConnections',
    flag: '--max-connections <n>',
    env: 'TIMELINE_MAX_CONNECTIONS',
    description: 'open connections accepted at once; more are closed as they arrive',
    parse: integer(1, 1000000),
    default: '1024',
  },
  {
    key: 'metricsPublic',
    flag: '--metrics-public [bool]',
    env: 'TIMELINE_METRICS_PUBLIC',
    description: 'serve GET /metrics without the admin token',
    parse: bool,
    default: 'false',
    boolean: true,
  },
  // issue 12: graceful shutdown
  {
    key: 'shutdownTimeout',
    flag: '--shutdown-timeout <seconds>',
    env: 'TIMELINE_SHUTDOWN_TIMEOUT',
    description:
      'on SIGTERM/SIGINT, seconds to finish in-flight requests before cutting them (a second signal exits at once)',
    parse: integer(0, 3600),
    default: '10',
  },
  {
    key: 'allowFaultHeader',
    flag: '--allow-fault-header [bool]',
    env: 'TIMELINE_ALLOW_FAULT_HEADER',
    description:
      'honour a request header X-Timeline-Fault (a status or a fault action) that makes that one request fail: for test servers only',
    parse: bool,
    default: 'false',
    boolean: true,
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
    timeZone: values.timeZone as string | undefined,
    autoCreateRecords: values.autoCreateRecords as boolean,
    pgPoolSize: values.pgPoolSize as number,
    logLevel: values.logLevel as string,
    limits: Object.freeze(limits),
    project: values.project as string | undefined,
    watch: values.watch as boolean,
    oauthClientId: values.oauthClientId as string | undefined,
    oauthClientSecret: values.oauthClientSecret as string | undefined,
    oauthRedirectUri: values.oauthRedirectUri as string | undefined,
    oauthTokenTtl: values.oauthTokenTtl as number,
    oauthAutoApprove: values.oauthAutoApprove as boolean,
    rateLimit: (values.rateLimit ?? null) as RateLimitPolicy | null,
    journalSize: values.journalSize as number,
    seed: values.seed as string | undefined,
    requestTimeout: values.requestTimeout as number,
    connectionTimeout: values.connectionTimeout as number,
    maxConnections: values.maxConnections as number,
    metricsPublic: values.metricsPublic as boolean,
    shutdownTimeout: values.shutdownTimeout as number,
    allowFaultHeader: values.allowFaultHeader as boolean,
  });
}
