import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { Overloaded } from '../errors/app-error.ts';

/**
 * Refuses an API request at the door while `queueLimit` callers already wait for a connection: before its
 * session, rate limit and CSRF check cost anything. Under overload every shed request is answered again at
 * once, so what it costs to refuse one decides how many the process can still refuse and serve. The pool's
 * own bound (db/pool-admission.ts) still catches the requests that pass here and meet a full queue later.
 */
export const shedLoad = fp<{ pool: pg.Pool; queueLimit: number }>(async (app: FastifyInstance, { pool, queueLimit }) => {
  app.addHook('onRequest', async () => {
    if (pool.waitingCount >= queueLimit) throw new Overloaded('queue-full');
  });
});
