import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createInvalidationBus, type InvalidationBus } from '../../src/cache/invalidation-bus.ts';
import { createResponseCache } from '../../src/cache/response-cache.ts';
import type { TenantScope } from '../../src/db/tenant-transaction.ts';
import type { CacheLookupResult, CacheMetrics } from '../../src/metrics/cache-metrics.ts';

// The cache's own properties, with a clock the test moves; the same cache behind the API is tested in
// test/treatments/catalogue-cache.test.ts.
const log = pino({ level: 'silent' });
const config = { RESPONSE_CACHE_SECONDS: 60, RESPONSE_CACHE_STALE_SECONDS: 30 };

function recordingMetrics() {
  const lookups: CacheLookupResult[] = [];
  const metrics: CacheMetrics = {
    lookup: (_cache, result) => lookups.push(result),
    invalidationReceived: () => {},
    redisError: () => {},
    observeRedisFallback: () => {},
  };
  return { lookups, metrics };
}

function setUp(options: { bus?: InvalidationBus; cacheOn?: (clinicId: string) => boolean } = {}) {
  const clock = { now: 1_000_000 };
  const { lookups, metrics } = recordingMetrics();
  const cache = createResponseCache({
    config,
    bus: options.bus ?? createInvalidationBus({ config: { REDIS_KEY_PREFIX: 'unit:' }, redis: null, log, metrics }),
    flags: { clinicHas: async (scope) => options.cacheOn?.(scope.clinicId) ?? true },
    log,
    metrics,
    now: () => clock.now,
  });
  return { cache, clock, lookups };
}

const scopeOf = (clinicId: string): TenantScope => ({ clinicId, userId: randomUUID(), role: 'clinic_owner' });

/** A load that counts its calls and answers what the "database" holds now. */
function source(initial: string) {
  const state = { value: initial, loads: 0 };
  return {
    state,
    load: async () => {
      state.loads++;
      return state.value;
    },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('response cache', () => {
  it('serves a hit within the TTL and loads again once fresh and stale windows have both passed', async () => {
    const { cache, clock, lookups } = setUp();
    const scope = scopeOf(randomUUID());
    const db = source('v1');
    expect(await cache.read(scope, 'treatments', 'all', db.load)).toBe('v1');
    db.state.value = 'v2';
    clock.now += 59_000;
    expect(await cache.read(scope, 'treatments', 'all', db.load)).toBe('v1');
    clock.now += 32_000; // 91 s: past 60 s fresh + 30 s stale
    expect(await cache.read(scope, 'treatments', 'all', db.load)).toBe('v2');
    expect(db.state.loads).toBe(2);
    expect(lookups).toEqual(['miss', 'hit', 'miss']);
  });

  it('past its TTL serves the stale value at once, reloads it once in the background, then serves the new one', async () => {
    const { cache, clock, lookups } = setUp();
    const scope = scopeOf(randomUUID());
    const db = source('v1');
    await cache.read(scope, 'treatments', 'all', db.load);
    db.state.value = 'v2';
    clock.now += 70_000;
    const reload = deferred<string>();
    let reloads = 0;
    const slowLoad = () => {
      reloads++;
      return reload.promise;
    };
    expect(await cache.read(scope, 'treatments', 'all', slowLoad)).toBe('v1');
    expect(await cache.read(scope, 'treatments', 'all', slowLoad)).toBe('v1');
    expect(reloads).toBe(1);
    reload.resolve('v2');
    await reload.promise;
    await new Promise((r) => setImmediate(r));
    expect(await cache.read(scope, 'treatments', 'all', db.load)).toBe('v2');
    expect(lookups).toEqual(['miss', 'stale', 'stale', 'hit']);
  });

  it('concurrent misses for one key run one load, and every caller gets its result', async () => {
    const { cache, lookups } = setUp();
    const scope = scopeOf(randomUUID());
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const callers = Array.from({ length: 25 }, () => cache.read(scope, 'treatments', 'all', load));
    gate.resolve('catalogue');
    expect(await Promise.all(callers)).toEqual(Array(25).fill('catalogue'));
    expect(loads).toBe(1);
    expect(lookups.filter((r) => r === 'miss')).toHaveLength(1);
    expect(lookups.filter((r) => r === 'hit')).toHaveLength(24);
  });

  it('a failed load is not cached: the next caller loads again', async () => {
    const { cache } = setUp();
    const scope = scopeOf(randomUUID());
    await expect(cache.read(scope, 'treatments', 'all', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.read(scope, 'treatments', 'all', async () => 'loaded')).toBe('loaded');
  });

  it("one clinic never gets another clinic's entry for the same cache and key", async () => {
    const { cache } = setUp();
    const a = scopeOf(randomUUID());
    const b = scopeOf(randomUUID());
    expect(await cache.read(a, 'treatments', 'all', async () => 'clinic A catalogue')).toBe('clinic A catalogue');
    expect(await cache.read(b, 'treatments', 'all', async () => 'clinic B catalogue')).toBe('clinic B catalogue');
    expect(await cache.read(a, 'treatments', 'all', async () => 'reloaded')).toBe('clinic A catalogue');
  });

  it("invalidating a clinic's cache drops its entries (every key), not other clinics' or other caches'", async () => {
    const { cache } = setUp();
    const a = scopeOf(randomUUID());
    const b = scopeOf(randomUUID());
    for (const scope of [a, b]) {
      await cache.read(scope, 'treatments', 'all', async () => 'old');
      await cache.read(scope, 'treatments', 'active', async () => 'old');
      await cache.read(scope, 'availability', 'day', async () => 'old');
    }
    await cache.invalidate(a.clinicId!, 'treatments');
    expect(await cache.read(a, 'treatments', 'all', async () => 'new')).toBe('new');
    expect(await cache.read(a, 'treatments', 'active', async () => 'new')).toBe('new');
    expect(await cache.read(a, 'availability', 'day', async () => 'new')).toBe('old');
    expect(await cache.read(b, 'treatments', 'all', async () => 'new')).toBe('old');
  });

  it('a load that started before an invalidation is not stored: it may have read the data before the write', async () => {
    const { cache } = setUp();
    const scope = scopeOf(randomUUID());
    const gate = deferred<string>();
    const started = deferred<void>();
    const early = cache.read(scope, 'treatments', 'all', () => {
      started.resolve();
      return gate.promise;
    });
    await started.promise;
    await cache.invalidate(scope.clinicId!, 'treatments');
    gate.resolve('read before the write');
    await early;
    expect(await cache.read(scope, 'treatments', 'all', async () => 'read after the write')).toBe('read after the write');
  });

  it('with the flag off for a clinic every read loads, counted as bypass; other clinics still hit', async () => {
    const off = randomUUID();
    const { cache, lookups } = setUp({ cacheOn: (clinicId) => clinicId !== off });
    const db = source('v1');
    await cache.read(scopeOf(off), 'treatments', 'all', db.load);
    await cache.read(scopeOf(off), 'treatments', 'all', db.load);
    expect(db.state.loads).toBe(2);
    const on = scopeOf(randomUUID());
    await cache.read(on, 'treatments', 'all', db.load);
    await cache.read(on, 'treatments', 'all', db.load);
    expect(db.state.loads).toBe(3);
    expect(lookups).toEqual(['bypass', 'bypass', 'miss', 'hit']);
  });
});

describe.skipIf(!process.env.REDIS_URL)('response cache across nodes sharing Redis', () => {
  const keyPrefix = `response-cache-${randomUUID()}:`;
  const connections: Redis[] = [];
  const buses: InvalidationBus[] = [];
  const node = () => {
    const redis = new Redis(process.env.REDIS_URL!);
    connections.push(redis);
    const bus = createInvalidationBus({
      config: { REDIS_KEY_PREFIX: keyPrefix },
      redis,
      log,
      metrics: recordingMetrics().metrics,
    });
    buses.push(bus);
    return setUp({ bus });
  };
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    for (const redis of connections) await redis.quit();
  });

  /** Reads on `reader` until it reloads after `writer` invalidated; returns what it last read. */
  async function readAfterInvalidation(writer: ReturnType<typeof node>, reader: ReturnType<typeof node>, scope: TenantScope) {
    await reader.cache.read(scope, 'treatments', 'all', async () => 'old');
    await writer.cache.invalidate(scope.clinicId!, 'treatments');
    let seen = 'old';
    for (let i = 0; i < 50 && seen === 'old'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await reader.cache.read(scope, 'treatments', 'all', async () => 'new');
    }
    return seen;
  }

  it('an invalidation on one node drops the entry on the other', async () => {
    const a = node();
    const b = node();
    // The first round may be answered by the subscriber's start (it drops everything); after it, only messages can.
    expect(await readAfterInvalidation(a, b, scopeOf(randomUUID()))).toBe('new');
    expect(await readAfterInvalidation(a, b, scopeOf(randomUUID()))).toBe('new');
    expect(await readAfterInvalidation(b, a, scopeOf(randomUUID()))).toBe('new');
  });
});

describe('invalidation while Redis is unreachable', () => {
  it('is applied on this node, and the lost publishes are logged once, not once per write', async () => {
    const lines: { level: number; msg: string }[] = [];
    const captured = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const { metrics } = recordingMetrics();
    const bus = createInvalidationBus({ config: { REDIS_KEY_PREFIX: 'unreachable:' }, redis, log: captured, metrics });
    const { cache } = setUp({ bus });
    const scope = scopeOf(randomUUID());
    for (let write = 0; write < 3; write++) {
      await cache.read(scope, 'treatments', 'all', async () => `before write ${write}`);
      await cache.invalidate(scope.clinicId!, 'treatments');
      expect(await cache.read(scope, 'treatments', 'all', async () => `after write ${write}`)).toBe(`after write ${write}`);
    }
    expect(lines.filter((l) => l.msg.startsWith('cache invalidation not published'))).toHaveLength(1);
    await bus.close();
    redis.disconnect();
  });
});
