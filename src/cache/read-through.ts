import { LRUCache } from 'lru-cache';

/**
 * A bounded in-process read-through map with a TTL. Absent values (undefined) are not cached, so
 * something created is found at once. A load that started before an invalidation does not store what
 * it read: that value may predate the write.
 */
// lru-cache bounds its values by `{}` (anything but null and undefined); the cache keeps that bound.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function readThrough<V extends {}>(
  { ttlMs, max }: { ttlMs: number; max: number },
  counted: (result: 'hit' | 'miss') => void,
) {
  const entries = new LRUCache<string, V>({ max, ttl: ttlMs });
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
      // Any invalidation voids every load in flight; the writes that invalidate are rare, so that costs little.
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
