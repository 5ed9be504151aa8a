import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';

export interface InvalidationListener {
  /** A message published under this topic by any node, this one included. */
  received(payload: unknown): void;
  /** Messages may have been missed (Redis was away): drop everything that one could have voided. */
  resynced(): void;
}

/**
 * The one channel over which every in-process cache tells the other nodes what to drop. Each cache
 * listens to its own topic; without Redis the bus is local only and each cache's TTL bounds staleness.
 */
export interface InvalidationBus {
  listen(topic: string, listener: InvalidationListener): void;
  /** Tells the other nodes; the publishing cache has already dropped its own copy. */
  publish(topic: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

export function createInvalidationBus({
  redis,
  keyPrefix,
  log,
  metrics,
}: {
  redis: Redis | null;
  keyPrefix: string;
  log: Logger;
  metrics: CacheMetrics;
}): InvalidationBus {
  const listeners = new Map<string, InvalidationListener>();
  const channel = `${keyPrefix}cache-invalidated`;
  // One warning per outage, not one per write: a busy clinic would flood the log while Redis is down.
  let publishFailing = false;

  // A connection in subscriber mode can run no other command, hence its own connection.
  const subscriber = redis?.duplicate() ?? null;
  if (subscriber) {
    subscriber.on('error', (error) => {
      metrics.redisError('cache-invalidation-subscriber');
      log.debug({ err: error }, 'cache invalidation subscriber error');
    });
    // On every (re)connect: messages sent while disconnected are lost, so start clean rather than wait
    // out the TTLs, and subscribe (again), which also covers a Redis that was down when we started.
    subscriber.on('ready', () => {
      for (const listener of listeners.values()) listener.resynced();
      subscriber
        .subscribe(channel)
        .catch((error: unknown) => log.warn({ err: error, channel }, 'cache invalidation could not subscribe'));
    });
    subscriber.on('message', (from, message) => {
      if (from !== channel) return;
      const parsed = parseMessage(message);
      const listener = parsed && listeners.get(parsed.topic);
      if (!parsed || !listener) {
        log.warn({ channel }, 'ignored a malformed cache invalidation message');
        return;
      }
      metrics.invalidationReceived(parsed.topic);
      listener.received(parsed.payload);
    });
  }

  return {
    listen(topic, listener) {
      listeners.set(topic, listener);
    },
    async publish(topic, payload) {
      if (!redis) return;
      try {
        await redis.publish(channel, JSON.stringify({ topic, payload }));
        if (publishFailing) log.info({ channel }, 'cache invalidations reach other nodes again');
        publishFailing = false;
      } catch (error) {
        if (!publishFailing) {
          log.warn(
            { err: error, topic },
            'cache invalidation not published; other nodes catch up within each cache TTL until Redis is back',
          );
        }
        publishFailing = true;
      }
    },
    async close() {
      if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

function parseMessage(message: string): { topic: string; payload: unknown } | undefined {
  try {
    const value = JSON.parse(message) as { topic?: unknown; payload?: unknown };
    return typeof value.topic === 'string' ? { topic: value.topic, payload: value.payload } : undefined;
  } catch {
    return undefined;
  }
}
