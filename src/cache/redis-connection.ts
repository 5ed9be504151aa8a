import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { watchRedisFallback } from './rate-limiter.ts';

/**
 * One shared connection; commands fail fast while it is down instead of queueing without bound.
 * `onError` hears every connection error (for the redis_errors_total figure).
 */
export function connectRedis(url: string, log: Logger, onError?: () => void): Redis {
  // A Redis that hangs must not hang requests: a command gives up after a second with an error, which
  // its caller handles as it handles a lost connection.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false, commandTimeout: 1000 });
  redis.on('error', (error) => {
    onError?.();
    log.warn({ err: error }, 'redis connection error');
  });
  watchRedisFallback(redis, log);
  return redis;
}

export type { Redis };
