/**
 * The one place that reads configuration. Every setting has a default, an environment variable and
 * a command-line flag (defaults < environment < flags); `loadConfig` validates them once and returns
 * a frozen object that is passed to whoever needs it.
 */
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
}

type Parser = (raw: string, name: string) => unknown;

export interface ConfigOption {
  readonly key: string;
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly parse: Parser;
  /** A boolean flag takes no value on the command line. */
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

export class ConfigError extends Error {}

export const configOptions: readonly ConfigOption[] = [
  {
    key: 'port',
    flag: '--port <port>',
    env: 'TIMELINE_PORT',
    description: 'TCP port (0 picks a free one)',
    parse: integer(0, 65535),
  },
  {
    key: 'host',
    flag: '--host <host>',
    env: 'TIMELINE_HOST',
    description: 'address to listen on',
    parse: text,
  },
  {
    key: 'db',
    flag: '--db <path-or-url>',
    env: 'TIMELINE_DB',
    description: 'SQLite file, :memory:, or postgres:// URL',
    parse: text,
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
  },
  {
    key: 'autoCreateRecords',
    flag: '--auto-create-records',
    env: 'TIMELINE_AUTO_CREATE_RECORDS',
    description: 'create a missing CRM record for an unknown objectId instead of failing',
    parse: bool,
    boolean: true,
  },
  {
    key: 'pgPoolSize',
    flag: '--pg-pool-size <n>',
    env: 'TIMELINE_PG_POOL_SIZE',
    description: 'PostgreSQL connections per process',
    parse: integer(1, 1000),
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'TIMELINE_LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent',
    parse: logLevel,
  },
  {
    key: 'maxBatchInputs',
    flag: '--max-batch-inputs <n>',
    env: 'TIMELINE_MAX_BATCH_INPUTS',
    description: 'inputs allowed in one batch request',
    parse: integer(1, 100000),
  },
  {
    key: 'maxTokensPerTemplate',
    flag: '--max-tokens-per-template <n>',
    env: 'TIMELINE_MAX_TOKENS_PER_TEMPLATE',
    description: 'tokens allowed in one event template',
    parse: integer(1, 100000),
  },
  {
    key: 'maxPendingWrites',
    flag: '--max-pending-writes <n>',
    env: 'TIMELINE_MAX_PENDING_WRITES',
    description: 'event-write requests that may wait for the SQLite writer; more answer 503',
    parse: integer(1, 100000),
  },
  {
    key: 'bodyLimit',
    flag: '--body-limit <bytes>',
    env: 'TIMELINE_BODY_LIMIT',
    description: 'largest request body in bytes',
    parse: integer(1024, 2 ** 31 - 1),
  },
];

const defaults = {
  port: 8080,
  host: '127.0.0.1',
  db: './data/timeline.db',
  timeZone: 'UTC',
  autoCreateRecords: false,
  pgPoolSize: 10,
  logLevel: 'warn',
};

/**
 * @param flags values from the command line, already keyed by option key (strings, or `true` for
 *   boolean flags); anything given there wins over the environment.
 */
export function loadConfig(
  flags: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const values: Record<string, unknown> = { ...defaults };
  for (const option of configOptions) {
    const fromEnv = env[option.env];
    if (fromEnv !== undefined && fromEnv !== '') values[option.key] = option.parse(fromEnv, option.env);
    const fromFlag = flags[option.key];
    if (fromFlag !== undefined) {
      values[option.key] =
        typeof fromFlag === 'string'
          ? option.parse(fromFlag, option.flag.split(' ')[0] ?? option.key)
          : fromFlag;
    }
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
  });
}
