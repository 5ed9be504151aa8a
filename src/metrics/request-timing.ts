import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Where one request's time went, filled in by the database code as it runs on the request's behalf. */
interface RequestTimings {
  /** Waiting for a pool connection. */
  poolWaitMs: number;
  /** Inside transactions, from checkout to COMMIT or ROLLBACK. */
  dbMs: number;
  transactions: number;
}

const current = new AsyncLocalStorage<RequestTimings>();

export function addPoolWait(ms: number): void {
  const timings = current.getStore();
  if (timings) timings.poolWaitMs += ms;
}

export function addTransactionTime(ms: number): void {
  const timings = current.getStore();
  if (!timings) return;
  timings.dbMs += ms;
  timings.transactions += 1;
}

declare module 'fastify' {
  interface FastifyRequest {
    timings: RequestTimings | null;
  }
}

const ms = (value: number) => value.toFixed(1);

/**
 * Every API response says in `Server-Timing` how long it spent waiting for a connection, in the
 * database and in all (the browser's devtools show it), and a request slower than `slowRequestMs` is
 * logged with the same figures, so a slow page can be told apart from a slow database.
 */
export const requestTiming = fp<{ slowRequestMs: number }>(async (app: FastifyInstance, { slowRequestMs }) => {
  app.decorateRequest('timings', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const timings: RequestTimings = { poolWaitMs: 0, dbMs: 0, transactions: 0 };
    request.timings = timings;
    // Everything the request runs from here on (hooks, handler, its queries) sees these timings.
    current.run(timings, done);
  });
  app.addHook('onSend', async (request, reply) => {
    const timings = request.timings;
    if (!timings || !request.url.startsWith('/api/')) return;
    reply.header(
      'server-timing',
      `pool;dur=${ms(timings.poolWaitMs)}, db;dur=${ms(timings.dbMs)}, total;dur=${ms(reply.elapsedTime)}`,
    );
  });
  app.addHook('onResponse', async (request, reply) => {
    const timings = request.timings;
    if (!timings || reply.elapsedTime < slowRequestMs) return;
    request.log.warn(
      {
        route: request.routeOptions.url,
        method: request.method,
        statusCode: reply.statusCode,
        totalMs: Math.round(reply.elapsedTime),
        dbMs: Math.round(timings.dbMs),
        poolWaitMs: Math.round(timings.poolWaitMs),
        transactions: timings.transactions,
      },
      'slow request',
    );
  });
});
