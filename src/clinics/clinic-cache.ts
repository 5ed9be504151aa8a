import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';
import type { ClinicLimits } from './clinic-limits.ts';
import type { PublicClinicRow } from './clinic-lookup-repo.ts';
import type { ClinicRow } from './clinic-repo.ts';

/** A clinic as members' requests need it: the row and its effective limits. */
export interface ClinicRecord {
  row: ClinicRow;
  limits: ClinicLimits;
}

export interface ClinicKeys {
  id: string;
  slug: string;
}

export interface ClinicCache {
  /** The caller loads through its own tenant transaction; only the result is shared. */
  byId(id: string, load: () => Promise<ClinicRecord | undefined>): Promise<ClinicRecord | undefined>;
  bySlug(slug: string, load: () => Promise<PublicClinicRow | undefined>): Promise<PublicClinicRow | undefined>;
  /** Drops the clinic here and, through Redis, on every other node. Call it after the write has committed. */
  invalidate(clinic: ClinicKeys): Promise<void>;
  close(): Promise<void>;
}

// Short, because it is also the bound on staleness when an invalidation message is lost (Redis down)
// and for changes made outside the clinic routes (a tier's default limits).
const TTL_MS = 30_000;
const MAX_ENTRIES = 5_000;

/**
 * Read-through cache of clinics by id and by slug. Absent clinics are not cached, so a new slug is
 * found at once. A lookup that started before an invalidation does not store what it read: that row
 * may predate the write.
 */
export function createClinicCache({
  config,
  redis,
  log,
  metrics,
}: {
  config: Pick<Config, 'REDIS_KEY_PREFIX'>;
  redis: Redis | null;
  log: Logger;
  metrics: CacheMetrics;
}): ClinicCache {
  const byId = readThrough<ClinicRecord>((result) => metrics.lookup('clinics-by-id', result));
  const bySlug = readThrough<PublicClinicRow>((result) => metrics.lookup('clinics-by-slug', result));
  const dropLocal = ({ id, slug }: ClinicKeys) => {
    byId.drop(id);
    bySlug.drop(slug);
  };

  const channel = `${config.REDIS_KEY_PREFIX}clinic-invalidated`;
  // A connection in subscriber mode can run no other command, hence its own connection.
  const subscriber = redis?.duplicate() ?? null;
  if (subscriber) {
    subscriber.on('error', (error) => {
      metrics.redisError('clinic-cache-subscriber');
      log.warn({ err: error }, 'clinic cache subscriber error');
    });
    // On every (re)connect: messages sent while disconnected are lost, so start clean rather than wait
    // out the TTL, and subscribe (again), which also covers a Redis that was down when we started.
    subscriber.on('ready', () => {
      byId.clear();
      bySlug.clear();
      subscriber
        .subscribe(channel)
        .catch((error: unknown) => log.warn({ err: error, channel }, 'clinic cache could not subscribe'));
    });
    subscriber.on('message', (from, message) => {
      if (from !== channel) return;
      metrics.invalidationReceived('clinics');
      const keys = parseKeys(message);
      if (keys) dropLocal(keys);
      else log.warn({ channel }, 'ignored a malformed clinic invalidation message');
    });
  }

  return {
    byId: (id, load) => byId.get(id, load),
    bySlug: (slug, load) => bySlug.get(slug.toLowerCase(), load),
    async invalidate(clinic) {
      dropLocal(clinic);
      if (!redis) return;
      await redis
        .publish(channel, JSON.stringify({ id: clinic.id, slug: clinic.slug }))
        .catch((error: unknown) =>
          log.warn(
            { err: error, clinicId: clinic.id },
            'clinic invalidation not published; other nodes catch up within the cache TTL',
          ),
        );
    },
    async close() {
      if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

// lru-cache bounds its values by `{}` (anything but null and undefined); the cache keeps that bound.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
function readThrough<V extends {}>(counted: (result: 'hit' | 'miss') => void) {
  const entries = new LRUCache<string, V>({ max: MAX_ENTRIES, ttl: TTL_MS });
  // Concurrent misses for one key share a single load.
  const loading = new Map<string, Promise<V | undefined>>();
  let generation = 0;
  return {
    get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
      const hit = entries.get(key);
      // A caller that joins a load already in flight costs no query either: it counts as a hit.
      const pending = hit === undefined ? loading.get(key) : undefined;
      counted(hit !== undefined || pending ? 'hit' : 'miss');
      if (hit !== undefined) return Promise.resolve(hit);
      if (pending) return pending;
      const startedIn = generation;
      const promise = load()
        .then((value) => {
          if (value !== undefined && startedIn === generation) entries.set(key, value);
          return value;
        })
        .finally(() => {
          if (loading.get(key) === promise) loading.delete(key);
        });
      loading.set(key, promise);
      return promise;
    },
    drop(key: string) {
      // Any invalidation voids every load in flight; writes to clinics are rare, so that costs little.
      generation++;
      entries.delete(key);
      loading.delete(key);
    },
    clear() {
      generation++;
      entries.clear();
      loading.clear();
    },
  };
}

function parseKeys(message: string): ClinicKeys | undefined {
  try {
    const value = JSON.parse(message) as Partial<ClinicKeys>;
    return typeof value.id === 'string' && typeof value.slug === 'string' ? { id: value.id, slug: value.slug } : undefined;
  } catch {
    return undefined;
  }
}
