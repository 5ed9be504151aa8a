import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { readNodeFigures, type NodeReading } from './node-figures.ts';
import { NodeSnapshot, snapshotBetween, type NodeIdentity } from './node-snapshot.ts';

/** Why the page sees this process alone. */
export type SingleNodeReason = 'redis-not-configured' | 'redis-unreachable';

export type NodeList = { nodes: NodeSnapshot[]; reason: null } | { nodes: NodeSnapshot[]; reason: SingleNodeReason };

export interface SystemNodes {
  /** This process serves the API or works jobs (both: `all`); it publishes from the first call on. */
  serves(role: 'api' | 'worker'): void;
  /** Every process seen within the snapshot lifetime, this one first with its newest figures. */
  list(): Promise<NodeList>;
  /** Stops publishing and takes this process off the list. */
  stop(): Promise<void>;
}

const FAILURE_LOG_EVERY_MS = 60_000;

/**
 * One API node's registry knows only itself, so every process publishes a small snapshot of its own
 * figures to Redis every SYSTEM_SNAPSHOT_SECONDS under a key that expires after three periods: a
 * process that died drops off by itself. A sorted set (id by time of last publication) lists the keys
 * without a SCAN. Without Redis, or while it is away, each process still keeps its own snapshots.
 */
export function createSystemNodes({
  config,
  redis,
  registry,
  log,
}: {
  config: Pick<Config, 'SYSTEM_SNAPSHOT_SECONDS' | 'REDIS_KEY_PREFIX'>;
  redis: Redis | null;
  registry: Registry;
  log: Logger;
}): SystemNodes {
  const periodMs = config.SYSTEM_SNAPSHOT_SECONDS * 1000;
  const lifetimeMs = 3 * periodMs;
  const listKey = `${config.REDIS_KEY_PREFIX}system:nodes`;
  const nodeKey = (id: string) => `${config.REDIS_KEY_PREFIX}system:node:${id}`;
  const roles = new Set<'api' | 'worker'>();
  const id = randomUUID();
  const startedAt = new Date().toISOString();
  let previous: NodeReading | null = null;
  let latest: NodeSnapshot | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastFailureLoggedAt = -Infinity;

  const identity = (): NodeIdentity => ({
    id,
    role: roles.size === 2 ? 'all' : roles.has('worker') ? 'worker' : 'api',
    host: hostname(),
    pid: process.pid,
    startedAt,
  });

  async function takeSnapshot(): Promise<NodeSnapshot> {
    const reading = await readNodeFigures(registry);
    const snapshot = snapshotBetween(identity(), previous ?? reading, reading);
    previous = reading;
    latest = snapshot;
    return snapshot;
  }

  async function publish(): Promise<void> {
    const snapshot = await takeSnapshot();
    if (!redis) return;
    const now = Date.parse(snapshot.takenAt);
    try {
      await redis
        .multi()
        .set(nodeKey(id), JSON.stringify(snapshot), 'PX', lifetimeMs)
        .zadd(listKey, now, id)
        .zremrangebyscore(listKey, '-inf', now - lifetimeMs)
        .pexpire(listKey, lifetimeMs)
        .exec();
    } catch (error) {
      if (now - lastFailureLoggedAt < FAILURE_LOG_EVERY_MS) return;
      lastFailureLoggedAt = now;
      log.warn({ err: error }, 'system snapshot not published: Redis unreachable; the System page shows each node alone');
    }
  }

  function tick(): void {
    publish()
      .catch((error: unknown) => log.warn({ err: error }, 'system snapshot could not be taken'))
      .finally(() => {
        if (timer) timer = setTimeout(tick, periodMs).unref();
      });
  }

  async function others(): Promise<NodeSnapshot[]> {
    const ids = await redis!.zrangebyscore(listKey, Date.now() - lifetimeMs, '+inf');
    const foreign = ids.filter((other) => other !== id);
    if (!foreign.length) return [];
    const stored = await redis!.mget(foreign.map(nodeKey));
    return stored.flatMap((text) => {
      const parsed = text ? NodeSnapshot.safeParse(JSON.parse(text)) : null;
      return parsed?.success ? [parsed.data] : [];
    });
  }

  return {
    serves(role) {
      roles.add(role);
      if (timer) return;
      // The first reading is the start of the first window; the first publication follows one period later.
      timer = setTimeout(tick, periodMs).unref();
      void takeSnapshot().catch((error: unknown) => log.warn({ err: error }, 'system snapshot could not be taken'));
    },
    async list() {
      const self = latest ?? (await takeSnapshot());
      if (!redis) return { nodes: [self], reason: 'redis-not-configured' };
      try {
        return { nodes: [self, ...(await others())], reason: null };
      } catch {
        return { nodes: [self], reason: 'redis-unreachable' };
      }
    },
    async stop() {
      if (!timer) return;
      clearTimeout(timer);
      timer = null;
      await redis
        ?.multi()
        .del(nodeKey(id))
        .zrem(listKey, id)
        .exec()
        .catch(() => undefined);
    },
  };
}
