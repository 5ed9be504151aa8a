import { LRUCache } from 'lru-cache';

export interface ReadThroughCache<V> {
  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined>;
  drop(key: string): void;
  /** Drops every entry whose value matches: for invalidations that name something other than the key. */
  dropWhere(matches: (value: V) => boolean): void;
  clear(): void;
}

/**
 * A bounded in-process read-through cache. Absent values are not cached. Concurrent misses for one key
 * share a single load, and a load that started before an invalidation does not store what it read: that
 * value may predate the write.
 */
// lru-cache bounds its values by `{}` (anything but null and undefined); the cache keeps that bound.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function readThroughCache<V extends {}>({
  max,
  ttlMs,
  counted,
}: {
  max: number;
  ttlMs: number;
  counted: (result: 'hit' | 'miss') => void;
}): ReadThroughCache<V> {
  const entries = new LRUCache<string, V>({ max, ttl: ttlMs });
  const loading = new Map<string, Promise<V | undefined>>();
  let generation = 0;
  return {
    get(key, load) {
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
    // Any invalidation voids every load in flight; invalidations are rare, so that costs little.
    drop(key) {
      generation++;
      entries.delete(key);
      loading.delete(key);
    },
    dropWhere(matches) {
      generation++;
      const dropped = [...entries.entries()].filter(([, value]) => matches(value)).map(([key]) => key);
      for (const key of dropped) entries.delete(key);
      loading.clear();
    },
    clear() {
      generation++;
      entries.clear();
      loading.clear();
    },
  };
}
