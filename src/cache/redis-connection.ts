import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/** One shared connection; commands fail fast while it is down instead of queueing without bound. */
export function connectRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
  return redis;
}

export type { Redis };
