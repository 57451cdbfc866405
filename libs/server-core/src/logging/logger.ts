import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { LoupeConfig } from '../config/config';

export const CORRELATION_HEADER = 'x-request-id';

/** Values that must never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-service-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

export function loggerOptions(config: Pick<LoupeConfig, 'log'>, service: string): LoggerOptions {
  return {
    level: config.log.level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** A structured JSON logger for code that runs outside Nest (scripts, workers' bootstrap). */
export function createLogger(config: Pick<LoupeConfig, 'log'>, service: string): Logger {
  return pino(loggerOptions(config, service));
}

/**
 * Correlation id for a request: the caller's `X-Request-Id` when it is a sane token,
 * otherwise a fresh UUID. Echoed in the response header and every log line.
 */
export function correlationId(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}
