import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

export const APP_ROLE = 'bwai_app';

/**
 * Three pools: `app` (the non-owner role every request uses; RLS applies), `replica` (the same
 * role on a read replica, or the primary when none is configured) and `owner` (migrations,
 * the job queue, and the security-definer maintenance functions).
 */
export interface Database {
  app: pg.Pool;
  replica: pg.Pool;
  owner: pg.Pool;
  poolStats(): PoolStats[];
  close(): Promise<void>;
}

export interface PoolStats {
  pool: 'app' | 'replica' | 'owner';
  total: number;
  idle: number;
  waiting: number;
}

type PoolSettings = Pick<
  Config,
  | 'DATABASE_POOL_MAX'
  | 'DATABASE_POOL_IDLE_MS'
  | 'DATABASE_CONNECT_TIMEOUT_MS'
  | 'DATABASE_APP_URL'
  | 'DATABASE_APP_PASSWORD'
  | 'DATABASE_REPLICA_URL'
>;

export function createDatabase(ownerUrl: string, config: PoolSettings, log: Logger): Database {
  const appUrl = config.DATABASE_APP_URL ?? asAppRole(ownerUrl, config.DATABASE_APP_PASSWORD);
  const replicaUrl = config.DATABASE_REPLICA_URL
    ? asAppRole(config.DATABASE_REPLICA_URL, config.DATABASE_APP_PASSWORD)
    : undefined;
  const make = (connectionString: string, max: number, name: PoolStats['pool']) => {
    const pool = new pg.Pool({
      connectionString,
      max,
      idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS,
      connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
      application_name: `bwai-${name}`,
    });
    // An idle client losing its server (restart, failover) must not crash the process.
    pool.on('error', (error) => log.warn({ err: error, pool: name }, 'idle database connection lost'));
    return pool;
  };
  const app = make(appUrl, config.DATABASE_POOL_MAX, 'app');
  const replica = replicaUrl ? make(replicaUrl, config.DATABASE_POOL_MAX, 'replica') : app;
  const owner = make(ownerUrl, 5, 'owner');
  const pools: [PoolStats['pool'], pg.Pool][] = [
    ['app', app],
    ['owner', owner],
  ];
  if (replica !== app) pools.push(['replica', replica]);
  return {
    app,
    replica,
    owner,
    poolStats: () => pools.map(([pool, p]) => ({ pool, total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount })),
    close: async () => {
      await Promise.all(pools.map(([, p]) => p.end()));
    },
  };
}

/** The same server and database, signed in as the application role. */
export function asAppRole(url: string, password: string): string {
  const u = new URL(url);
  u.username = APP_ROLE;
  u.password = password;
  return u.toString();
}

/** Lets the application role sign in with the configured password (the migrations create it NOLOGIN). */
export async function enableAppRoleLogin(owner: pg.Pool, password: string): Promise<void> {
  await owner.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
}
