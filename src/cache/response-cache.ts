import { LRUCache } from 'lru-cache';
import type { Config } from '../config.ts';
import { clinicOf, type TenantScope } from '../db/tenant-transaction.ts';
import type { FlagLookup } from '../flags/flag-lookup.ts';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';
import type { InvalidationBus } from './invalidation-bus.ts';

/**
 * The results of reads that are the same for everyone in a clinic (the treatment catalogue), kept per
 * node. Callers authorise first and cache what their service computed, never HTTP bytes. A cached value
 * is shared by every caller of that clinic: treat it as read-only.
 */
export interface ResponseCache {
  /**
   * `cache` names the kind of read (its metric label and its invalidation tag), `key` the variant (a
   * filter). `load` runs on a miss, once for all concurrent callers of one key.
   */
  read<V>(scope: TenantScope, cache: string, key: string, load: () => Promise<V>): Promise<V>;
  /** After a write that changes these reads has committed: drops them here and on every node. */
  invalidate(clinicId: string, ...caches: string[]): Promise<void>;
}

interface Entry {
  value: unknown;
  generation: number;
  freshUntil: number;
  staleUntil: number;
}

interface Loading {
  generation: number;
  promise: Promise<unknown>;
}

const TOPIC = 'responses';
const MAX_ENTRIES = 20_000;

export function createResponseCache({
  config,
  bus,
  flags,
  log,
  metrics,
  now = Date.now,
}: {
  config: Pick<Config, 'RESPONSE_CACHE_SECONDS' | 'RESPONSE_CACHE_STALE_SECONDS'>;
  bus: InvalidationBus;
  flags: Pick<FlagLookup, 'clinicHas'>;
  log: Logger;
  metrics: CacheMetrics;
  now?: () => number;
}): ResponseCache {
  const freshMs = config.RESPONSE_CACHE_SECONDS * 1000;
  const staleMs = config.RESPONSE_CACHE_STALE_SECONDS * 1000;
  // The LRU's own TTL only frees memory; whether an entry is fresh or stale is decided on `now` below.
  const entries = new LRUCache<string, Entry>({ max: MAX_ENTRIES, ttl: freshMs + staleMs });
  const loading = new Map<string, Loading>();
  // An invalidation moves the tag (clinic and cache) to a new generation: entries and loads of an older one
  // are never served or stored again, however long they take. Bounded by clinics × caches, so never evicted.
  const generations = new Map<string, number>();
  let lastGeneration = 0;
  // What a tag never invalidated since the last resync is at; a resync moves every tag past older loads.
  let baseGeneration = 0;
  const tagOf = (clinicId: string, cache: string) => `${clinicId}\u0000${cache}`;
  const generationOf = (tag: string) => generations.get(tag) ?? baseGeneration;
  const dropLocal = (clinicId: string, caches: string[]) => {
    for (const cache of caches) generations.set(tagOf(clinicId, cache), ++lastGeneration);
  };

  bus.subscribe(TOPIC, {
    onMessage(payload) {
      const { clinicId, caches } = (payload ?? {}) as { clinicId?: unknown; caches?: unknown };
      if (typeof clinicId === 'string' && Array.isArray(caches) && caches.every((c) => typeof c === 'string')) {
        dropLocal(clinicId, caches as string[]);
      } else {
        log.warn({ topic: TOPIC }, 'ignored a malformed response cache invalidation message');
      }
    },
    onResync() {
      entries.clear();
      loading.clear();
      generations.clear();
      baseGeneration = ++lastGeneration;
    },
  });

  function startLoad<V>(entryKey: string, tag: string, load: () => Promise<V>): Promise<V> {
    const generation = generationOf(tag);
    const promise = load()
      .then((value) => {
        const at = now();
        if (generationOf(tag) === generation) {
          entries.set(entryKey, { value, generation, freshUntil: at + freshMs, staleUntil: at + freshMs + staleMs });
        }
        return value;
      })
      .finally(() => {
        if (loading.get(entryKey)?.promise === promise) loading.delete(entryKey);
      });
    loading.set(entryKey, { generation, promise });
    return promise;
  }

  return {
    async read<V>(scope: TenantScope, cache: string, key: string, load: () => Promise<V>): Promise<V> {
      const clinicId = clinicOf(scope);
      if (!(await flags.clinicHas({ ...scope, clinicId }, 'response-cache'))) {
        metrics.lookup(cache, 'bypass');
        return load();
      }
      // The clinic is part of every key: no variant of one clinic's read can name another clinic's entry.
      const tag = tagOf(clinicId, cache);
      const entryKey = `${tag}\u0000${key}`;
      const generation = generationOf(tag);
      const entry = entries.get(entryKey);
      const at = now();
      const current = entry?.generation === generation && entry.staleUntil > at ? entry : undefined;
      const pending = loading.get(entryKey);
      const inFlight = pending?.generation === generation ? (pending.promise as Promise<V>) : undefined;

      if (current && current.freshUntil > at) {
        metrics.lookup(cache, 'hit');
        return current.value as V;
      }
      if (current) {
        // Past its TTL but within the stale window: answer now, and let one reload refresh it for the next caller.
        metrics.lookup(cache, 'stale');
        if (!inFlight) {
          startLoad(entryKey, tag, load).catch((error: unknown) =>
            log.warn({ err: error, clinicId, cache }, 'stale response cache entry could not be refreshed'),
          );
        }
        return current.value as V;
      }
      // A caller that joins a load already in flight costs no query: it counts as a hit.
      metrics.lookup(cache, inFlight ? 'hit' : 'miss');
      return inFlight ?? startLoad(entryKey, tag, load);
    },

    // The bus drops this node's entries before telling the others.
    async invalidate(clinicId, ...caches) {
      await bus.publish(TOPIC, { clinicId, caches });
    },
  };
}
