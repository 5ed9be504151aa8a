import type pg from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Database, PoolStats } from '../db/database.ts';
import { addPoolWait, addTransactionTime } from './request-timing.ts';

export interface DatabaseMetrics {
  /** Starts reading `db`'s pools at every scrape and timing their connection checkouts. */
  observe(db: Database): void;
}

/** What a transaction reports when it ends. */
export type TransactionEnd = (outcome: 'commit' | 'rollback', error?: unknown) => void;

interface PoolObserver {
  transactionStarted(): TransactionEnd;
}

// Keyed by the pool itself: the tenant transaction helper is handed a pool, not its name, and a pool no
// registry observes (a bench's, a script's) costs nothing.
const observers = new WeakMap<pg.Pool, PoolObserver>();

/**
 * Called by the transaction helper as a transaction begins; the returned function when it ends. The
 * time also goes to the request it runs for (Server-Timing), whether or not a registry observes the pool.
 */
export function transactionStarted(pool: pg.Pool): TransactionEnd {
  const observed = observers.get(pool)?.transactionStarted();
  const started = performance.now();
  return (outcome, error) => {
    addTransactionTime(performance.now() - started);
    observed?.(outcome, error);
  };
}

const STATEMENT_TIMEOUT = '57014';

export function defineDatabaseMetrics(registry: Registry): DatabaseMetrics {
  let statsOf: () => PoolStats[] = () => [];
  const poolGauge = (name: string, help: string, figure: (s: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        for (const stats of statsOf()) this.set({ pool: stats.pool }, figure(stats));
      },
    });
  poolGauge('db_pool_connections', 'Connections a pool holds open (idle and checked out)', (s) => s.total);
  poolGauge('db_pool_idle_connections', 'Open connections waiting in a pool for work', (s) => s.idle);
  poolGauge('db_pool_waiting_clients', 'Callers queued for a connection because the pool is at its maximum', (s) => s.waiting);
  const wait = new Histogram({
    name: 'db_pool_wait_seconds',
    help: 'Time from asking a pool for a connection to getting one (or giving up)',
    labelNames: ['pool'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const transactions = new Counter({
    name: 'db_transactions_total',
    help: 'Transactions of the tenant transaction helper, by pool and outcome',
    labelNames: ['pool', 'outcome'],
    registers: [registry],
  });
  const transactionDuration = new Histogram({
    name: 'db_transaction_duration_seconds',
    help: 'Time from a connection checkout to COMMIT or ROLLBACK, by pool',
    labelNames: ['pool'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const statementTimeouts = new Counter({
    name: 'db_statement_timeouts_total',
    help: 'Transactions cancelled by their statement timeout (SQLSTATE 57014), by pool',
    labelNames: ['pool'],
    registers: [registry],
  });

  return {
    observe(db) {
      statsOf = () => db.poolStats();
      for (const { pool: name } of db.poolStats()) {
        const pool = db[name];
        timeCheckouts(pool, (seconds) => {
          wait.observe({ pool: name }, seconds);
          addPoolWait(seconds * 1000);
        });
        observers.set(pool, {
          transactionStarted() {
            const stop = transactionDuration.startTimer({ pool: name });
            return (outcome, error) => {
              stop();
              transactions.inc({ pool: name, outcome });
              if ((error as { code?: unknown } | undefined)?.code === STATEMENT_TIMEOUT) statementTimeouts.inc({ pool: name });
            };
          },
        });
      }
    },
  };
}

/**
 * pg.Pool's `query` checks its connection out through `connect` as well, so wrapping this one method
 * times every checkout of the pool (pg-pool's `acquire` event says when, but not since when).
 */
function timeCheckouts(pool: pg.Pool, record: (seconds: number) => void): void {
  const connect = pool.connect.bind(pool) as (callback?: (...args: unknown[]) => void) => Promise<pg.PoolClient> | void;
  const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
  pool.connect = ((callback?: (...args: unknown[]) => void) => {
    const start = process.hrtime.bigint();
    if (callback) {
      return connect((...args) => {
        record(since(start));
        callback(...args);
      });
    }
    return (connect() as Promise<pg.PoolClient>).finally(() => record(since(start)));
  }) as pg.Pool['connect'];
}
