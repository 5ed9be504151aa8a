import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { SESSION_COOKIE, hashSessionToken } from '../auth/session-token.ts';
import { findLiveSession, touchSession, type SessionRow } from '../auth/session-repo.ts';
import type { SessionCache } from '../auth/session-cache.ts';
import { withTenant, type Actor, type TenantScope } from '../db/tenant-transaction.ts';
import type { Role } from '../users/role-vocabulary.ts';
import { AppError } from '../errors/app-error.ts';

/** The signed-in user of a request: the only source of its tenant. */
export interface Principal extends Actor {
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

// Writing last_seen_at on every request would turn reads into writes; once in a while is enough.
const TOUCH_EVERY_MS = 5 * 60 * 1000;

/**
 * The live session a request's cookie names, or undefined: none, signed out, expired, idle, or its
 * user disabled. Also asked again by long-lived responses (event streams) while they run.
 */
export function sessionLookup(pool: pg.Pool, sessions: SessionCache, idleHours: number) {
  // last_seen_at lags the last request by up to TOUCH_EVERY_MS, so the idle limit allows for it.
  const maxIdleMs = idleHours * 3600_000 + TOUCH_EVERY_MS;
  return async (request: FastifyRequest): Promise<SessionRow | undefined> => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return undefined;
    const hash = hashSessionToken(token);
    const session = await sessions.session(hash, () => findLiveSession(pool, hash, maxIdleMs));
    // A cached session may have run out since it was read.
    const now = Date.now();
    if (!session || session.expires_at.getTime() <= now || session.last_seen_at.getTime() <= now - maxIdleMs) return undefined;
    return session;
  };
}

export const authenticate = fp<{ pool: pg.Pool; sessions: SessionCache; idleHours: number }>(
  async (app: FastifyInstance, { pool, sessions, idleHours }) => {
    const liveSession = sessionLookup(pool, sessions, idleHours);
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const session = await liveSession(request);
      if (!session) return;
      request.principal = {
        userId: session.user_id,
        clinicId: session.clinic_id,
        role: session.role,
        sessionId: session.session_id,
      };
      if (Date.now() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) {
        // The cached row is shared: marking it seen keeps the requests that follow from touching again.
        session.last_seen_at = new Date();
        await withTenant(pool, scopeOf(request), (tx) => touchSession(tx, session.session_id));
      }
    });
  },
);

export function scopeOf(request: FastifyRequest): TenantScope {
  const p = request.principal;
  return p ? { clinicId: p.clinicId, userId: p.userId, role: p.role } : { clinicId: null, userId: null, role: null };
}

/** The signed-in principal, or 401: for handlers inside a guarded scope. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated');
  return request.principal;
}

/** A scope's guard: only the listed roles pass; anyone else gets 401 (not signed in) or 403. */
export function requireRole(...roles: Role[]): onRequestHookHandler {
  return async (request) => {
    const principal = principalOf(request);
    if (!roles.includes(principal.role)) throw new AppError('forbidden', `This action needs one of: ${roles.join(', ')}.`);
  };
}

// The route files take the guard groups from here, beside the guard itself.
export { CLINIC_MANAGERS, STAFF_ROLES } from '../users/role-vocabulary.ts';
