import type pg from 'pg';
import { Overloaded } from '../errors/app-error.ts';

export interface AdmissionBounds {
  /** Callers that may wait for a connection at once; the next one is refused at once. */
  queueLimit: number;
  /** How long a caller may wait for a connection before it is refused. */
  maxWaitMs: number;
}

type Checkout = (error: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void;

/**
 * Bounds the wait for a connection of `pool`: when every connection is busy and `queueLimit` callers are
 * already waiting, or a caller has waited `maxWaitMs`, checkout fails with `Overloaded` (503 with
 * Retry-After) instead of queueing. Unbounded, a saturated pool made requests wait until the client gave
 * up (9 s at 1,000 connections), doing work nobody read. A refused checkout fails before the transaction
 * that asked for it begins, so none of that transaction's work is done.
 *
 * Wraps `connect`, which `pool.query` checks its connection out through as well.
 */
export function boundConnectionWait(pool: pg.Pool, max: number, { queueLimit, maxWaitMs }: AdmissionBounds): void {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const checkOut = (): Promise<pg.PoolClient> => {
    // pg-pool queues only when it can neither hand out an idle connection nor open a new one.
    const mustWait = pool.idleCount === 0 && pool.totalCount >= max;
    if (!mustWait) return connect();
    if (pool.waitingCount >= queueLimit) return Promise.reject(new Overloaded('queue-full'));
    return new Promise((resolve, reject) => {
      let gaveUp = false;
      const timer = setTimeout(() => {
        gaveUp = true;
        reject(new Overloaded('waited-too-long'));
      }, maxWaitMs);
      // pg-pool cannot take a caller out of its queue: a connection that comes for one that gave up goes
      // straight back to the next caller.
      connect().then(
        (client) => {
          clearTimeout(timer);
          if (gaveUp) client.release();
          else resolve(client);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!gaveUp) reject(error);
        },
      );
    });
  };
  pool.connect = ((callback?: Checkout) => {
    if (!callback) return checkOut();
    checkOut().then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error),
    );
  }) as pg.Pool['connect'];
}
