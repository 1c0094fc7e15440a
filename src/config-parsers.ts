/**
 * The parsers of settings' values (`src/config.ts` holds the settings): each takes the raw text a
 * flag or the environment gave and the name it came under, and answers the value or throws a
 * ConfigError naming that flag or variable.
 */
import { parseRateLimit } from './domain/rate-limit-policy.js';
import { isTimeZone } from './domain/time-zone.js';

export class ConfigError extends Error {}

export type Parser = (raw: string, name: string) => unknown;

export const text: Parser = (raw) => raw;
export const integer =
  (min: number, max: number): Parser =>
  (raw, name) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    }
    return value;
  };
export const bool: Parser = (raw, name) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
};
export const timeZone: Parser = (raw, name) => {
  if (!isTimeZone(raw)) {
    throw new ConfigError(`${name} must be an IANA time zone such as America/New_York, got '${raw}'`);
  }
  return raw;
};
export const logLevel: Parser = (raw, name) => {
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw)) {
    throw new ConfigError(`${name} must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  return raw;
};

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const logFormat: Parser = (raw, name) => {
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be ${LOG_FORMATS.join(' or ')}, got '${raw}'`);
  }
  return raw;
};

export const absoluteUrl: Parser = (raw, name) => {
  if (!URL.canParse(raw)) throw new ConfigError(`${name} must be an absolute URL, got '${raw}'`);
  return raw;
};

/**
 * A SQLite path, `:memory:`, or a `postgres://` (`postgresql://`) URL. Anything else shaped like a
 * URL (`postgress://`, `mysql://`) is refused rather than taken for a SQLite file of that name.
 */
export const database: Parser = (raw, name) => {
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

export const rateLimit: Parser = (raw, name) => {
  try {
    return parseRateLimit(raw);
  } catch (error) {
    throw new ConfigError(`${name} ${(error as Error).message}`);
  }
};
