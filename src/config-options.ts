/**
 * Every setting of `timeline-server serve`: its flag, environment variable, default and parser, in
 * the order `--help` shows them. `src/config.ts` reads and checks them.
 */
import { Option } from 'commander';
import {
  absoluteUrl,
  bool,
  database,
  integer,
  LOG_FORMATS,
  logFormat,
  logLevel,
  type Parser,
  rateLimit,
  text,
  timeZone,
} from './config-parsers.js';
import { RATE_LIMIT_SYNTAX } from './domain/rate-limit-policy.js';
import { Limits } from './limits.js';

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
  /** A secret or an id of a credential: generated when not given, and never accepted empty. */
  readonly credential?: boolean;
}

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
    credential: true,
  },
  {
    key: 'developerApiKey',
    flag: '--developer-api-key <key>',
    env: 'TIMELINE_DEVELOPER_API_KEY',
    description: 'developer API key (hapikey) to provision',
    parse: text,
    credential: true,
  },
  {
    key: 'adminToken',
    flag: '--admin-token <token>',
    env: 'TIMELINE_ADMIN_TOKEN',
    description: 'token for the /_admin routes',
    parse: text,
    credential: true,
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
    key: 'logFormat',
    flag: '--log-format <format>',
    env: 'TIMELINE_LOG_FORMAT',
    description: `log lines as ${LOG_FORMATS.join(' or ')} (default: pretty on a terminal, json otherwise)`,
    parse: logFormat,
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
  // App events and the OAuth stand-in
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
    credential: true,
  },
  {
    key: 'oauthClientSecret',
    flag: '--oauth-client-secret <secret>',
    env: 'TIMELINE_OAUTH_CLIENT_SECRET',
    description: 'client secret of the provisioned OAuth app',
    parse: text,
    credential: true,
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
  // Rate limits, the request journal, a fixture loaded at start
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
  // Hostile clients and metrics
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
  // Graceful shutdown
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
