import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';

export interface InvalidationListener {
  /** A message published on the topic by any node, this one included. */
  onMessage(message: unknown): void;
  /** Messages may have been lost (Redis was away): drop everything. */
  onResync(): void;
}

/**
 * How in-process caches drop entries on every node at once: a message goes to this node's listeners
 * straight away and to the others through Redis pub/sub. Without Redis (or while it is away) only this
 * node hears it, and each cache's TTL bounds how long the others serve what changed.
 */
export interface InvalidationBus {
  subscribe(topic: string, listener: InvalidationListener): void;
  publish(topic: string, message: unknown): Promise<void>;
  close(): Promise<void>;
}

export function createInvalidationBus({
  config,
  redis,
  log,
  metrics,
}: {
  config: Pick<Config, 'REDIS_KEY_PREFIX'>;
  redis: Redis | null;
  log: Logger;
  metrics: CacheMetrics;
}): InvalidationBus {
  const listeners = new Map<string, InvalidationListener[]>();
  const channelOf = (topic: string) => `${config.REDIS_KEY_PREFIX}${topic}-invalidated`;
  const topicOf = new Map<string, string>();
  // One warning per outage, not one per write: a busy clinic would flood the log while Redis is down.
  let publishFailing = false;

  // A connection in subscriber mode can run no other command, hence its own connection.
  const subscriber = redis?.duplicate() ?? null;
  if (subscriber) {
    subscriber.on('error', (error) => {
      metrics.redisError('invalidation-subscriber');
      log.warn({ err: error }, 'invalidation subscriber error');
    });
    // On every (re)connect: messages sent while disconnected are lost, so start clean rather than wait
    // out the TTLs, and subscribe (again), which also covers a Redis that was down when we started.
    subscriber.on('ready', () => {
      for (const [topic, own] of listeners) {
        for (const listener of own) listener.onResync();
        subscriber
          .subscribe(channelOf(topic))
          .catch((error: unknown) => log.warn({ err: error, topic }, 'invalidations could not subscribe'));
      }
    });
    subscriber.on('message', (channel, raw) => {
      const topic = topicOf.get(channel);
      if (!topic) return;
      metrics.invalidationReceived(topic);
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        log.warn({ channel }, 'ignored a malformed invalidation message');
        return;
      }
      for (const listener of listeners.get(topic) ?? []) listener.onMessage(message);
    });
  }

  return {
    subscribe(topic, listener) {
      const own = listeners.get(topic);
      if (own) {
        own.push(listener);
        return;
      }
      listeners.set(topic, [listener]);
      topicOf.set(channelOf(topic), topic);
      if (subscriber?.status === 'ready') {
        subscriber
          .subscribe(channelOf(topic))
          .catch((error: unknown) => log.warn({ err: error, topic }, 'invalidations could not subscribe'));
      }
    },
    async publish(topic, message) {
      for (const listener of listeners.get(topic) ?? []) listener.onMessage(message);
      if (!redis) return;
      try {
        await redis.publish(channelOf(topic), JSON.stringify(message));
        if (publishFailing) log.info({ topic }, 'cache invalidations reach other nodes again');
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
