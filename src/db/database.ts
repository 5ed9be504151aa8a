import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { boundConnectionWait } from './pool-admission.ts';
import { prepareStatementsByText } from './prepared-statements.ts';
import { logSlowStatements } from './slow-statements.ts';

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
  | 'DATABASE_POOL_QUEUE_LIMIT'
  | 'DATABASE_POOL_WAIT_MS'
  | 'DATABASE_APP_URL'
  | 'DATABASE_APP_PASSWORD'
  | 'DATABASE_REPLICA_URL'
  | 'DATABASE_REPLICA_RETRY_MS'
  | 'SLOW_QUERY_MS'
  | 'DATABASE_PREPARED_STATEMENTS'
>;

export function createDatabase(ownerUrl: string, config: PoolSettings, log: Logger): Database {
  const appUrl = config.DATABASE_APP_URL ?? asAppRole(ownerUrl, config.DATABASE_APP_PASSWORD);
  const replicaUrl = config.DATABASE_REPLICA_URL
    ? asAppRole(config.DATABASE_REPLICA_URL, config.DATABASE_APP_PASSWORD)
    : undefined;
  const make = (
    connectionString: string,
    max: number,
    name: PoolStats['pool'],
    { fallback, prepared = false }: { fallback?: pg.Pool; prepared?: boolean } = {},
  ) => {
    const options: pg.PoolConfig = {
      connectionString,
      max,
      idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS,
      connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
      application_name: `bwai-${name}`,
      // A request's pooled connection is held across every round trip, and under load each waits its turn
      // on a busy event loop: sending a transaction's statements without waiting for the previous answer
      // (tenant-transaction.ts) is what keeps the hold short. Not the owner pool: pg-boss runs there.
      pipeline: name !== 'owner',
    };
    const pool = fallback
      ? new ReplicaPool(options, fallback, config.DATABASE_REPLICA_RETRY_MS, (error) =>
          log.warn({ err: error, retryMs: config.DATABASE_REPLICA_RETRY_MS }, 'replica unreachable: reading from the primary'),
        )
      : new pg.Pool(options);
    // An idle client losing its server (restart, failover) must not crash the process.
    pool.on('error', (error) => log.warn({ err: error, pool: name }, 'idle database connection lost'));
    if (prepared) prepareStatementsByText(pool);
    logSlowStatements(pool, name, config.SLOW_QUERY_MS, log);
    return pool;
  };
  // Not the owner pool: pg-boss and migrations run there, through PgBouncer's session path if at all.
  const prepared = config.DATABASE_PREPARED_STATEMENTS === 'on';
  const app = make(appUrl, config.DATABASE_POOL_MAX, 'app', { prepared });
  const replica = replicaUrl ? make(replicaUrl, config.DATABASE_POOL_MAX, 'replica', { fallback: app, prepared }) : app;
  const owner = make(ownerUrl, 5, 'owner');
  // Requests shed load on the pools they use; the owner pool's callers (migrations, the job queue) wait.
  const bounds = { queueLimit: config.DATABASE_POOL_QUEUE_LIMIT, maxWaitMs: config.DATABASE_POOL_WAIT_MS };
  for (const pool of new Set([app, replica])) boundConnectionWait(pool, config.DATABASE_POOL_MAX, bounds);
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

type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * The replica's pool. Replica reads are the ones that may lag, so when the replica cannot be reached
 * they are served by the primary instead of failing, and the replica is tried again `retryMs` later
 * (not on every read: each attempt would wait out a connect timeout).
 */
export class ReplicaPool extends pg.Pool {
  private unreachableUntil = 0;

  constructor(
    options: pg.PoolConfig,
    private readonly primary: pg.Pool,
    private readonly retryMs: number,
    private readonly onUnreachable: (error: unknown) => void,
  ) {
    super(options);
  }

  // pg's Pool.query takes its client through connect(callback), so both forms come through here.
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const client = this.replicaOrPrimary();
    if (!callback) return client;
    client.then(
      (c) => callback(undefined, c, (release) => c.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }

  private async replicaOrPrimary(): Promise<pg.PoolClient> {
    if (Date.now() >= this.unreachableUntil) {
      try {
        return await super.connect();
      } catch (error) {
        this.unreachableUntil = Date.now() + this.retryMs;
        this.onUnreachable(error);
      }
    }
    return this.primary.connect();
  }
}

/** The same server and database, signed in as the application role. */
export function asAppRole(url: string, password: string): string {
  const u = new URL(url);
  u.username = APP_ROLE;
  u.password = password;
  return u.toString();
}

/**
 * Lets the application role sign in with the configured password, but only while it has no login:
 * the migrations create it NOLOGIN, so the app sets the password once, when it makes the login, and
 * never overwrites a password an operator has rotated since. Returns whether it set one.
 */
export async function enableAppRoleLogin(owner: pg.Pool, password: string, role = APP_ROLE): Promise<boolean> {
  const { rows } = await owner.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
  if (!rows[0] || rows[0].rolcanlogin) return false;
  await owner.query(`ALTER ROLE ${pg.escapeIdentifier(role)} WITH LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
  return true;
}

export class AppRoleError extends Error {}

/**
 * Row-level security is the wall between clinics, and it does not hold for a superuser, a role with
 * BYPASSRLS, or the tables' owner: the app refuses to serve through such a role.
 */
export async function assertAppRoleIsRestricted(pool: pg.Pool): Promise<void> {
  const { rows } = await pool
    .query<{ role: string; rolsuper: boolean; rolbypassrls: boolean; owned: string[] }>(
      `SELECT r.rolname AS role, r.rolsuper, r.rolbypassrls,
            array(SELECT c.relname::text FROM pg_class c
                  WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
                    AND pg_has_role(current_user, c.relowner, 'USAGE')
                  ORDER BY c.relname LIMIT 3) AS owned
     FROM pg_roles r WHERE r.rolname = current_user`,
    )
    .catch((error: unknown) => {
      if ((error as { code?: string }).code !== '28P01') throw error;
      throw new AppRoleError(
        `${APP_ROLE} could not sign in with DATABASE_APP_PASSWORD: the app sets that password only when it ` +
          'creates the login, so set DATABASE_APP_PASSWORD (or DATABASE_APP_URL) to the password the role has now',
      );
    });
  const { role, rolsuper, rolbypassrls, owned } = rows[0]!;
  const reason = rolsuper
    ? 'is a superuser'
    : rolbypassrls
      ? 'has BYPASSRLS'
      : owned.length
        ? `owns the tables (${owned.join(', ')})`
        : undefined;
  if (reason) {
    throw new AppRoleError(
      `the application role "${role}" ${reason}, so row-level security would not separate clinics: ` +
        `connect DATABASE_APP_URL as ${APP_ROLE} (not superuser, no BYPASSRLS, owning nothing)`,
    );
  }
}
