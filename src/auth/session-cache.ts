import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { readThroughCache } from '../cache/read-through-cache.ts';
import { CLINICS_TOPIC, clinicKeysOf } from '../clinics/clinic-cache.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';
import type { UserRow } from '../users/user-repo.ts';
import type { SessionRow } from './session-repo.ts';

/** What a write changed: one session, or everything of one user (their sessions, role, profile). */
export type SessionChange = { sessionId: string } | { userId: string };

/**
 * Sessions and their users' rows, kept in process for SESSION_CACHE_MS so that a signed-in request
 * needs no session query and /api/me no query at all. A write that ends a session or changes a user
 * drops them here and on every node through the invalidation bus; a clinic change (suspension) drops
 * its members. If a message is lost (Redis away), the TTL bounds how long a node still honours it.
 */
export interface SessionCache {
  session(tokenHash: Buffer, load: () => Promise<SessionRow | undefined>): Promise<SessionRow | undefined>;
  user(userId: string, load: () => Promise<UserRow | undefined>): Promise<UserRow | undefined>;
  /** Call after the write has committed. */
  forget(change: SessionChange): Promise<void>;
}

const TOPIC = 'sessions';
const MAX_ENTRIES = 20_000;

export function createSessionCache({
  config,
  invalidations,
  log,
  metrics,
}: {
  config: Pick<Config, 'SESSION_CACHE_MS'>;
  invalidations: InvalidationBus;
  log: Logger;
  metrics: CacheMetrics;
}): SessionCache {
  if (config.SESSION_CACHE_MS === 0) {
    return { session: (_, load) => load(), user: (_, load) => load(), forget: async () => {} };
  }
  const options = { max: MAX_ENTRIES, ttlMs: config.SESSION_CACHE_MS };
  const sessions = readThroughCache<SessionRow>({ ...options, counted: (result) => metrics.lookup('sessions', result) });
  const users = readThroughCache<UserRow>({ ...options, counted: (result) => metrics.lookup('session-users', result) });
  const drop = (matches: { session: (s: SessionRow) => boolean; user: (u: UserRow) => boolean }) => {
    sessions.dropWhere(matches.session);
    users.dropWhere(matches.user);
  };
  const clearAll = () => {
    sessions.clear();
    users.clear();
  };

  invalidations.subscribe(TOPIC, {
    onMessage(message) {
      const change = sessionChangeOf(message);
      if (!change) return log.warn('ignored a malformed session invalidation message');
      if ('sessionId' in change) return sessions.dropWhere((s) => s.session_id === change.sessionId);
      drop({ session: (s) => s.user_id === change.userId, user: (u) => u.id === change.userId });
    },
    onResync: clearAll,
  });
  // A suspended clinic's members are signed out at once; any other clinic change costs them a lookup.
  invalidations.subscribe(CLINICS_TOPIC, {
    onMessage(message) {
      const keys = clinicKeysOf(message);
      if (!keys) return;
      drop({ session: (s) => s.clinic_id === keys.id, user: (u) => u.clinic_id === keys.id });
    },
    onResync: clearAll,
  });

  return {
    session: (tokenHash, load) => sessions.get(tokenHash.toString('hex'), load),
    user: (userId, load) => users.get(userId, load),
    forget: (change) => invalidations.publish(TOPIC, change),
  };
}

function sessionChangeOf(message: unknown): SessionChange | undefined {
  const value = message as { sessionId?: unknown; userId?: unknown } | null;
  if (typeof value?.sessionId === 'string') return { sessionId: value.sessionId };
  if (typeof value?.userId === 'string') return { userId: value.userId };
  return undefined;
}
