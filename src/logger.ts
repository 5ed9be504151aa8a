import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';
import { activeTraceIds } from './telemetry/trace-context.ts';

// Secrets and personal data that must never reach a log line, wherever they appear.
const redact = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
];

/**
 * Errors keep what a reader needs. A pg error carries the whole client it came from (connection
 * state, type tables): logged as is, one lost connection printed hundreds of lines.
 */
function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & { code?: unknown; detail?: unknown };
  return {
    name: e.name,
    message: e.message,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    stack: e.stack,
    ...(e.cause !== undefined && depth < 3 ? { cause: serializeError(e.cause, depth + 1) } : {}),
  };
}

/** Logs to standard output, or to `destination` (tests read what would be printed). */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>, destination?: DestinationStream): Logger {
  const pretty = config.NODE_ENV === 'development' && process.stdout.isTTY && !destination;
  const options = {
    level: config.LOG_LEVEL,
    redact,
    serializers: { err: (error: unknown) => serializeError(error) },
    // A line written while a traced request or job runs names its trace, to jump from a log to the trace.
    mixin: activeTraceIds,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
