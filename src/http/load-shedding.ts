import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { Overloaded } from '../errors/app-error.ts';

// How often the event loop's delay is sampled: fine enough to see a delay well under the bound.
const SAMPLE_MS = 10;

/**
 * Refuses an API request at the door, before its session, rate limit and CSRF check cost anything, when
 * `queueLimit` callers already wait for a connection, or when the event loop runs more than
 * `maxEventLoopDelayMs` behind. The second is the overload the pool never sees: when the process's CPU,
 * not the database, is the bottleneck, requests wait in the socket for the loop, not in the pool's queue,
 * and at 1,000 connections they waited until the client gave up (10 s). Under overload every shed
 * request is answered again at once, so what it costs to refuse one decides how many the process can
 * still refuse and serve. The pool's own bound (db/pool-admission.ts) still catches the requests that
 * pass here and meet a full queue later.
 */
export const shedLoad = fp<{ pool: pg.Pool; queueLimit: number; maxEventLoopDelayMs: number | 'off' }>(
  async (app: FastifyInstance, { pool, queueLimit, maxEventLoopDelayMs }) => {
    let delay: ReturnType<typeof eventLoopDelay> | undefined;
    // Sampling starts once the app is ready: loading and registering the app stalls the loop for a
    // second or more, and counted as delay it shed a new node's first requests.
    if (maxEventLoopDelayMs !== 'off') {
      app.addHook('onReady', async () => {
        delay = eventLoopDelay();
      });
      app.addHook('onClose', async () => delay?.stop());
    }
    const loopBehind = () => delay !== undefined && delay.current() > Number(maxEventLoopDelayMs);
    app.addHook('onRequest', async () => {
      if (pool.waitingCount >= queueLimit) throw new Overloaded('queue-full');
      if (loopBehind()) throw new Overloaded('event-loop-behind');
    });
  },
);

/**
 * How far behind the event loop runs: the lateness of the last sample timer, or of the one due now if it
 * is already later than that (a loop busy with a burst of requests has not run the timer yet).
 */
function eventLoopDelay(): { current: () => number; stop: () => void } {
  let due = performance.now() + SAMPLE_MS;
  let last = 0;
  let timer: NodeJS.Timeout;
  const sample = () => {
    const now = performance.now();
    last = Math.max(0, now - due);
    due = now + SAMPLE_MS;
    timer = setTimeout(sample, SAMPLE_MS).unref();
  };
  timer = setTimeout(sample, SAMPLE_MS).unref();
  return {
    current: () => Math.max(last, performance.now() - due),
    stop: () => clearTimeout(timer),
  };
}
