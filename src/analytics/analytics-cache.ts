import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';

/** Computed results by key, kept for a fixed time; a result is never recomputed to be fresher. */
export interface AnalyticsCache<V> {
  get(key: string, compute: () => Promise<V>): Promise<V>;
}

interface Store<V> {
  read(key: string): Promise<V | undefined>;
  write(key: string, value: V): Promise<void>;
}

// A result is one page of a dashboard (a few dozen clinics); a handful of periods and sorts are in use.
const MAX_LOCAL_ENTRIES = 500;

/**
 * Shared by every node through Redis when it is configured, else kept in this process. Concurrent
 * callers of one key share one lookup and, on a miss, one computation (per node): a dashboard opened
 * by many admins at once, or reloaded, runs the aggregate once.
 */
export function createAnalyticsCache<V>({
  redis,
  keyPrefix,
  ttlSeconds,
  log,
  metrics,
}: {
  redis: Redis | null;
  keyPrefix: string;
  ttlSeconds: number;
  log: Logger;
  /** Counts hits and misses under `analytics`; benches and unit tests go without. */
  metrics?: CacheMetrics;
}): AnalyticsCache<V> {
  const store = redis ? redisStore<V>(redis, keyPrefix, ttlSeconds, log) : memoryStore<V>(ttlSeconds);
  const inFlight = new Map<string, Promise<V>>();

  async function readOrCompute(key: string, compute: () => Promise<V>): Promise<V> {
    const hit = await store.read(key);
    metrics?.lookup('analytics', hit === undefined ? 'miss' : 'hit');
    if (hit !== undefined) return hit;
    const value = await compute();
    await store.write(key, value);
    return value;
  }

  return {
    get(key, compute) {
      const pending = inFlight.get(key);
      if (pending) return pending;
      const promise = readOrCompute(key, compute).finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
  };
}

function memoryStore<V>(ttlSeconds: number): Store<V> {
  const entries = new LRUCache<string, { value: V }>({ max: MAX_LOCAL_ENTRIES, ttl: ttlSeconds * 1000 });
  return {
    read: async (key) => entries.get(key)?.value,
    write: async (key, value) => {
      entries.set(key, { value });
    },
  };
}

/** A Redis that is down costs freshness only: the result is computed and served as if there were no cache. */
function redisStore<V>(redis: Redis, keyPrefix: string, ttlSeconds: number, log: Logger): Store<V> {
  return {
    async read(key) {
      try {
        const stored = await redis.get(keyPrefix + key);
        return stored === null ? undefined : (JSON.parse(stored) as V);
      } catch (error) {
        log.warn({ err: error, key }, 'analytics cache unreadable; computing');
        return undefined;
      }
    },
    async write(key, value) {
      await redis
        .set(keyPrefix + key, JSON.stringify(value), 'EX', ttlSeconds)
        .catch((error: unknown) => log.warn({ err: error, key }, 'analytics result not cached'));
    },
  };
}
