import type { LoggerService } from '@nestjs/common';
import { type Logger, pino } from 'pino';

/**
 * Paths that could ever hold a key value, a hash or a token are censored before anything is
 * written, whatever logs them; the code also never passes them on purpose.
 */
export const REDACTED_PATHS = [
  'req.headers.apikey',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.apikey',
  'headers.authorization',
  '*.apiKey',
  '*.apikey',
  '*.secretHash',
  '*.authorization',
  'apiKey',
  'secretHash',
];

/**
 * Errors are logged by type, message, code and stack only: drivers attach the failing row or
 * parameters (PostgreSQL's `detail`, `where`, `parameters`), which could hold a key's hash.
 */
const errorSerializer = (error: unknown) => {
  if (!(error instanceof Error)) return { message: String(error) };
  return { type: error.name, message: error.message, code: (error as { code?: unknown }).code, stack: error.stack };
};

export const createLogger = (level: string): Logger =>
  pino({
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: errorSerializer },
    base: { service: 'keystream' },
  });

/** Nest's own log lines, as structured JSON through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, stack?: string, context?: string) {
    this.logger.error({ context, stack }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
