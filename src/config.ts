/**
 * The one place that reads configuration. Every setting has a default, an environment variable and
 * a command-line flag (defaults < environment < flags). Commander merges the three
 * (`commandLineOptions`, each option with `Option.env()` and its default, so `--help` shows both);
 * `loadConfig` then validates every value once, naming the flag or variable it came from, and
 * returns a frozen object that is passed to whoever needs it. Code that starts a server without a
 * command line passes the same settings to `loadConfig` directly.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type ConfigOption, configOptions } from './config-options.js';
import { ConfigError, type LogFormat } from './config-parsers.js';
import type { StartSettings } from './domain/provisioning.js';
import type { RateLimitPolicy } from './domain/rate-limit-policy.js';
import { Limits, type LimitValues } from './limits.js';

export { type ConfigOption, commandLineOptions, configOptions } from './config-options.js';
export { ConfigError } from './config-parsers.js';

/** Every setting of `serve`; the credentials and time zone of the start are `StartSettings`. */
export interface Config extends StartSettings {
  readonly port: number;
  readonly host: string;
  /** A SQLite file path, `:memory:`, or a `postgres://` URL. */
  readonly db: string;
  readonly autoCreateRecords: boolean;
  readonly pgPoolSize: number;
  readonly logLevel: string;
  /** How log lines look; undefined: pretty on a terminal, JSON otherwise. */
  readonly logFormat: LogFormat | undefined;
  readonly limits: Readonly<LimitValues>;
  // App events and the OAuth stand-in
  /** A HubSpot project folder whose `src/app/app-events/*-hsmeta.json` are loaded at start. */
  readonly project: string | undefined;
  /** Reload the project's app event types when its files change. */
  readonly watch: boolean;
  /** Seconds an OAuth access token lives (HubSpot: 1800). */
  readonly oauthTokenTtl: number;
  /** `/oauth/authorize` approves at once for the provisioned app and portal, without a page (headless tests). */
  readonly oauthAutoApprove: boolean;
  // Rate limits, the request journal, a fixture loaded at start
  /** HubSpot's rate limits for every portal without its own setting; null: off. */
  readonly rateLimit: RateLimitPolicy | null;
  /** Requests the journal (`GET /_admin/v1/requests`) keeps. */
  readonly journalSize: number;
  /** A seed fixture (JSON file) loaded at start. */
  readonly seed: string | undefined;
  // Hostile clients and metrics
  /** Seconds a request (headers and body) may take to arrive; then 408 and the connection is cut. */
  readonly requestTimeout: number;
  /** Seconds a connection may stay idle (no byte either way) before it is closed. */
  readonly connectionTimeout: number;
  /** Open connections accepted at once; more are closed as they arrive. */
  readonly maxConnections: number;
  /** `GET /metrics` without the admin token. */
  readonly metricsPublic: boolean;
  // Graceful shutdown
  /** Seconds a stopping server waits for in-flight requests before it cuts them and exits 1. */
  readonly shutdownTimeout: number;
  /** Honour a request's own `X-Timeline-Fault` header (a test server; never a shared one). */
  readonly allowFaultHeader: boolean;
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
  const names: Record<string, string> = {};
  for (const option of configOptions) {
    const given = settings[option.key] === true ? 'true' : (settings[option.key] ?? option.default);
    if (given === undefined) continue;
    const name = sourceOf(option.key) === 'env' ? option.env : (option.flag.split(' ')[0] ?? option.key);
    names[option.key] = name;
    if (typeof given === 'string') checkGiven(option, given, name);
    values[option.key] = typeof given === 'string' ? option.parse(given, name) : given;
  }
  if (settings.db !== undefined && sourceOf('db') !== 'default') {
    checkDatabaseFolder(values.db as string, names.db ?? '--db');
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
    logFormat: values.logFormat as LogFormat | undefined,
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

/**
 * An empty or whitespace-only value (what a compose file gives for a variable that is not set) is
 * refused for every setting rather than read as 0, as no host, or as an empty secret that would
 * then match an empty credential; a credential may not start or end with whitespace either, since
 * no HTTP header can carry it so.
 */
function checkGiven(option: ConfigOption, given: string, name: string): void {
  if (given.trim() === '') {
    const what = given === '' ? 'is empty' : 'is only whitespace';
    const unset = option.credential
      ? 'unset it to have one generated'
      : option.default !== undefined
        ? `unset it for the default (${option.default})`
        : 'unset it';
    throw new ConfigError(`${name} ${what}: give it a value, or ${unset}`);
  }
  if (option.credential && given.trim() !== given) {
    throw new ConfigError(
      `${name} starts or ends with whitespace, which no request can send: give the value without it`,
    );
  }
}

/** The folder an unset --db uses; the only one the server creates. */
const DEFAULT_DATA_FOLDER = 'data';

/**
 * A SQLite file named explicitly must be in a folder that exists: the server creates only its
 * default `./data`, never a tree an unnoticed typo named (nor hangs on a path such as /proc/x/).
 */
function checkDatabaseFolder(db: string, name: string): void {
  if (db === ':memory:' || /^postgres(ql)?:\/\//i.test(db)) return;
  const folder = dirname(resolve(db));
  if (folder === resolve(DEFAULT_DATA_FOLDER) || existsSync(folder)) return;
  throw new ConfigError(
    `${name} names ${db}, in a folder that does not exist (${folder}): create the folder first, or choose a file in a folder that exists (unset, the server uses ./${DEFAULT_DATA_FOLDER}/timeline.db and creates ./${DEFAULT_DATA_FOLDER})`,
  );
}
