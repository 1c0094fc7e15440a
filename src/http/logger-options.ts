/**
 * Fastify's logger: pino at `--log-level`, Fastify's request fields with the URL's credentials
 * redacted (no headers), written as JSON lines (for log collectors) or, on a terminal, as readable
 * lines through pino-pretty (`--log-format`, default: pretty on a terminal, JSON otherwise).
 */
import type { FastifyServerOptions } from 'fastify';
import pretty from 'pino-pretty';
import type { Config } from '../config.js';
import { redactUrl } from '../redact.js';

export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  terminal: boolean = process.stdout.isTTY === true,
): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  const format = config.logFormat ?? (terminal ? 'pretty' : 'json');
  return {
    level: config.logLevel,
    serializers: {
      req: (request) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    // The pretty stream reads the JSON pino writes, so what is redacted above stays redacted. It
    // writes synchronously: the lines logged just before an exit are not lost.
    ...(format === 'pretty'
      ? {
          stream: pretty({
            sync: true,
            colorize: terminal,
            singleLine: true,
            translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
            ignore: 'pid,hostname',
          }),
        }
      : {}),
  };
}
