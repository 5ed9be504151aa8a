import type pg from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Database, PoolStats } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { addPoolWait, addTransactionTime } from './request-timing.ts';
import { scrapeReading } from './scrape-reading.ts';

export interface DatabaseMetrics {
  /**
   * Starts reading `db`'s pools at every scrape and timing their connection checkouts; and, per
   * scrape, the database's size and (with a replica configured) the replica's lag.
   */
  observe(db: Database, log: Logger): void;
}

/** What a transaction reports when it ends. */
export type TransactionEnd = (outcome: 'commit' | 'rollback', error?: unknown) => void;

interface PoolObserver {
  transactionEnded(seconds: number, outcome: 'commit' | 'rollback', error: unknown): void;
}

// Keyed by the pool itself: the tenant transaction helper is handed a pool, not its name, and a pool no
// registry observes (a bench's, a script's) costs nothing.
const observers = new WeakMap<pg.Pool, PoolObserver>();

/**
 * Called by the transaction helper as a transaction begins; the returned function when it ends. The
 * time also goes to the request it runs for (Server-Timing), whether or not a registry observes the pool.
 */
export function transactionStarted(pool: pg.Pool): TransactionEnd {
  const observed = observers.get(pool);
  const started = performance.now();
  return (outcome, error) => {
    const ms = performance.now() - started;
    addTransactionTime(ms);
    observed?.transactionEnded(ms / 1000, outcome, error);
  };
}

const STATEMENT_TIMEOUT = '57014';

// A scrape (Prometheus waits 10 s by default) must answer even when a server does not.
const SCRAPE_READ_TIMEOUT_MS = 1_000;

/**
 * Read on the replica itself rather than from the primary's pg_stat_replication: it needs no
 * monitoring privilege for the app role, and it is the delay the replica's readers actually see.
 * `now() - pg_last_xact_replay_timestamp()` alone grows while the primary has nothing to send, so a
 * replica that has replayed all it received is 0 behind. A server not in recovery (the URL points at
 * a primary) is 0 behind by definition, and says so in db_replica_in_recovery. Known limits: while
 * behind, it counts from the last commit replayed, so after a quiet spell it overstates; and a replica
 * whose WAL receiver is cut off has replayed all it received and reads 0 (the primary's
 * pg_stat_replication shows that case).
 */
const REPLICA_LAG = `
  SELECT pg_is_in_recovery() AS in_recovery,
         CASE WHEN NOT pg_is_in_recovery() THEN 0
              WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
              ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
         END::float8 AS lag_seconds`;

// Sums the sizes of the database's files: milliseconds, and no lock on any table.
const DATABASE_SIZE = 'SELECT current_database() AS name, pg_database_size(current_database())::float8 AS bytes';

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

  let replicaLag: () => Promise<{ in_recovery: boolean; lag_seconds: number | null } | undefined> = async () => undefined;
  let databaseSize: () => Promise<{ name: string; bytes: number } | undefined> = async () => undefined;
  // Labelled by pool, so that without a replica (or while it does not answer) no sample is exposed
  // rather than a 0 that would read as "caught up".
  new Gauge({
    name: 'db_replica_lag_seconds',
    help: "How far the replica pool's server is behind the primary (0 when it has replayed all it received, or is a primary); absent without a replica or when it does not answer",
    labelNames: ['pool'],
    registers: [registry],
    async collect() {
      const reading = await replicaLag();
      // Cleared and set in one step, so a concurrent scrape never reads the gauge empty.
      this.reset();
      if (reading?.lag_seconds != null) this.set({ pool: 'replica' }, reading.lag_seconds);
    },
  });
  new Gauge({
    name: 'db_replica_in_recovery',
    help: "1 when the replica pool's server is a standby replaying from a primary, 0 when it is a primary itself",
    labelNames: ['pool'],
    registers: [registry],
    async collect() {
      const reading = await replicaLag();
      this.reset();
      if (reading) this.set({ pool: 'replica' }, reading.in_recovery ? 1 : 0);
    },
  });
  new Gauge({
    name: 'db_database_size_bytes',
    help: 'Size on disk of the application database (tables, indexes, TOAST), from pg_database_size',
    labelNames: ['database'],
    registers: [registry],
    async collect() {
      const reading = await databaseSize();
      this.reset();
      if (reading) this.set({ database: reading.name }, reading.bytes);
    },
  });

  return {
    observe(db, log) {
      const bounded = { timeoutMs: SCRAPE_READ_TIMEOUT_MS, log };
      if (db.replica !== db.app) {
        replicaLag = scrapeReading(
          'replica lag',
          async () => (await db.replica.query<{ in_recovery: boolean; lag_seconds: number | null }>(REPLICA_LAG)).rows[0]!,
          bounded,
        );
      }
      databaseSize = scrapeReading(
        'database size',
        async () => (await db.owner.query<{ name: string; bytes: number }>(DATABASE_SIZE)).rows[0]!,
        bounded,
      );
      statsOf = () => db.poolStats();
      for (const { pool: name } of db.poolStats()) {
        const pool = db[name];
        // Label sets resolved once per pool, not per transaction.
        const waited = wait.labels(name);
        const lasted = transactionDuration.labels(name);
        const ended = { commit: transactions.labels(name, 'commit'), rollback: transactions.labels(name, 'rollback') };
        const timedOut = statementTimeouts.labels(name);
        timeCheckouts(pool, (ms) => {
          waited.observe(ms / 1000);
          addPoolWait(ms);
        });
        observers.set(pool, {
          transactionEnded(seconds, outcome, error) {
            lasted.observe(seconds);
            ended[outcome].inc();
            if ((error as { code?: unknown } | undefined)?.code === STATEMENT_TIMEOUT) timedOut.inc();
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
function timeCheckouts(pool: pg.Pool, record: (ms: number) => void): void {
  const connect = pool.connect.bind(pool) as (callback?: (...args: unknown[]) => void) => Promise<pg.PoolClient> | void;
  pool.connect = ((callback?: (...args: unknown[]) => void) => {
    const start = performance.now();
    if (callback) {
      return connect((...args) => {
        record(performance.now() - start);
        callback(...args);
      });
    }
    return (connect() as Promise<pg.PoolClient>).then(
      (client) => {
        record(performance.now() - start);
        return client;
      },
      (error: unknown) => {
        record(performance.now() - start);
        throw error;
      },
    );
  }) as pg.Pool['connect'];
}
