import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisFallback } from '../cache/rate-limiter.ts';

export type CacheLookupResult = 'hit' | 'miss' | 'stale' | 'bypass';

export interface CacheMetrics {
  /**
   * A lookup in `cache` (a fixed name: clinics-by-id, analytics, treatments...) found its value (hit), had to
   * load it (miss), was answered with an expired value while it reloads (stale), or skipped the cache
   * because its feature flag is off for the clinic (bypass).
   */
  lookup(cache: string, result: CacheLookupResult): void;
  /** An invalidation message from another node reached this one. */
  invalidationReceived(cache: string): void;
  /** An ioredis connection reported an error (`connection` names which one). */
  redisError(connection: string): void;
  /** Reads, at each scrape, whether this process counts its limits itself because Redis is away. */
  observeRedisFallback(fallback: RedisFallback): void;
}

export function defineCacheMetrics(registry: Registry): CacheMetrics {
  const lookups = new Counter({
    name: 'cache_lookups_total',
    help: 'Cache lookups by cache and result (hit; miss: loaded or computed; stale: served expired while reloading; bypass: cache off by flag)',
    labelNames: ['cache', 'result'],
    registers: [registry],
  });
  const invalidations = new Counter({
    name: 'cache_invalidations_received_total',
    help: 'Invalidation messages received from other nodes, by cache',
    labelNames: ['cache'],
    registers: [registry],
  });
  const redisErrors = new Counter({
    name: 'redis_errors_total',
    help: "Errors reported by this process's Redis connections (lost connection, timeouts), by connection",
    labelNames: ['connection'],
    registers: [registry],
  });
  let fallback: RedisFallback | null = null;
  new Gauge({
    name: 'redis_fallback_active',
    help: '1 while Redis is configured but unreachable and rate limits are counted in this process alone',
    registers: [registry],
    collect() {
      this.set(fallback?.isOnFallback() ? 1 : 0);
    },
  });
  return {
    lookup: (cache, result) => lookups.inc({ cache, result }),
    invalidationReceived: (cache) => invalidations.inc({ cache }),
    redisError: (connection) => redisErrors.inc({ connection }),
    observeRedisFallback: (observed) => {
      fallback = observed;
    },
  };
}
