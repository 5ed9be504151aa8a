import pg from 'pg';
import { AppError } from '../errors/app-error.ts';
import { transactionStarted } from '../metrics/database-metrics.ts';
import { isStalePreparedPlan, renamePreparedStatements } from './prepared-statements.ts';
import type { Role } from '../users/role-vocabulary.ts';

/** Who is acting, decided once per request (or job) and passed down explicitly. */
export interface TenantScope {
  clinicId: string | null;
  userId: string | null;
  role: Role | null;
}

/** A signed-in user acting: what services need to know about who is asking. */
export interface Actor {
  userId: string;
  clinicId: string | null;
  role: Role;
}

/** Who acts across clinics: a super admin, or a platform process (a job, a test, a bench) with no user. */
export type PlatformActor = Pick<TenantScope, 'userId' | 'role'>;

export const ANONYMOUS: TenantScope = { clinicId: null, userId: null, role: null };

export type Tx = Pick<pg.PoolClient, 'query'>;

export interface TransactionOptions {
  statementTimeoutMs?: number;
  readOnly?: boolean;
}

/**
 * Runs `work` in one transaction whose first statement sets clinic, user and role with
 * set_config(..., true): transaction-local, so a pooled connection (or PgBouncer in transaction
 * mode) never carries one request's tenant into another. RLS does the rest.
 */
export function withTenant<T>(
  pool: pg.Pool,
  scope: TenantScope,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return inTransaction(pool, scope, false, work, options);
}

/**
 * The only way across clinics: the transaction takes the platform role, whose policies see every
 * clinic. Callers are super-admin routes and platform jobs, and they write an audit entry for it.
 */
export function unsafeWithPlatformAccess<T>(
  pool: pg.Pool,
  scope: TenantScope,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return inTransaction(pool, scope, true, work, options);
}

async function inTransaction<T>(
  pool: pg.Pool,
  scope: TenantScope,
  platform: boolean,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  try {
    return await transactionOnce(pool, scope, platform, work, options);
  } catch (error) {
    if (!isStalePreparedPlan(error)) throw error;
    // A migration changed what a prepared statement returns; nothing was written, so run it again.
    renamePreparedStatements(pool);
    return transactionOnce(pool, scope, platform, work, options);
  }
}

async function transactionOnce<T>(
  pool: pg.Pool,
  scope: TenantScope,
  platform: boolean,
  work: (tx: Tx) => Promise<T>,
  { statementTimeoutMs = 15_000, readOnly = false }: TransactionOptions,
): Promise<T> {
  const client = await pool.connect();
  const ended = transactionStarted(pool);
  let broken = false;
  try {
    // Not awaited: on a pipelined connection the work's first statement goes out behind it, in the same
    // round trip. Its answer still comes first, and a failure to open is the error the caller sees.
    const opened = settle(client.query(openingStatement(scope, platform, statementTimeoutMs, readOnly)));
    const done = await settle(work(client));
    const opening = await opened;
    if (!opening.ok) throw opening.error;
    if (!done.ok) throw done.error;
    await client.query('COMMIT');
    ended?.('commit');
    return done.value;
  } catch (error) {
    ended?.('rollback', error);
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * A read of one statement in the tenant's scope, in ONE round trip: BEGIN READ ONLY with the scope, the
 * statement and COMMIT go out together on the pipelined connection. Under load every round trip waits its
 * turn on a busy event loop while the connection stays checked out; three of them held a pooled connection
 * about three times as long as the plain pool's single statement, and the pool, not the database, capped
 * throughput. `read` must run exactly one statement (a second is a programming error and throws).
 */
export async function readInTenant<T>(
  pool: pg.Pool,
  scope: TenantScope,
  read: (tx: Tx) => Promise<T>,
  { statementTimeoutMs = 15_000 }: Pick<TransactionOptions, 'statementTimeoutMs'> = {},
): Promise<T> {
  try {
    return await readOnce(pool, scope, read, statementTimeoutMs);
  } catch (error) {
    if (!isStalePreparedPlan(error)) throw error;
    renamePreparedStatements(pool);
    return readOnce(pool, scope, read, statementTimeoutMs);
  }
}

async function readOnce<T>(
  pool: pg.Pool,
  scope: TenantScope,
  read: (tx: Tx) => Promise<T>,
  statementTimeoutMs: number,
): Promise<T> {
  const client = await pool.connect();
  const ended = transactionStarted(pool);
  let broken = false;
  try {
    const opened = settle(client.query(openingStatement(scope, false, statementTimeoutMs, true)));
    let committed: Promise<Settled<unknown>> | undefined;
    const tx = {
      query: (...args: Parameters<Tx['query']>) => {
        if (committed) throw new Error('readInTenant runs one statement; use withTenant for more');
        const result = (client.query as (...a: unknown[]) => unknown)(...args);
        // A failed statement leaves the transaction aborted, and COMMIT then ends it as a ROLLBACK.
        committed = settle(client.query('COMMIT'));
        return result;
      },
    } as Tx;
    const done = await settle(read(tx));
    const outcomes = [await opened, done, await (committed ?? settle(client.query('COMMIT')))];
    const errors = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
    if (errors.length || !done.ok) {
      ended?.('rollback', errors[0]);
      // Anything but an error PostgreSQL answered (a lost socket, a refused query) leaves the connection in doubt.
      broken = errors.some((error) => !(error instanceof pg.DatabaseError));
      throw errors[0];
    }
    ended?.('commit');
    return done.value;
  } finally {
    client.release(broken);
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * BEGIN and the scope in one round trip: a simple-protocol query may hold several statements but no
 * parameters, so the values go in as escaped literals. They are ids, role names and a number, never
 * text a user typed, and escapeLiteral quotes any of them safely all the same.
 */
function openingStatement(scope: TenantScope, platform: boolean, statementTimeoutMs: number, readOnly: boolean): string {
  const literal = (value: string) => pg.escapeLiteral(value);
  return `${readOnly ? 'BEGIN READ ONLY' : 'BEGIN'};
    SELECT set_config('app.clinic_id', ${literal(scope.clinicId ?? '')}, true),
           set_config('app.user_id', ${literal(scope.userId ?? '')}, true),
           set_config('app.role', ${literal(scope.role ?? '')}, true),
           set_config('statement_timeout', ${literal(String(statementTimeoutMs))}, true),
           set_config('role', ${literal(platform ? 'bwai_platform' : 'none')}, true)`;
}

/** Within a transaction, act as a user created in it (sign-up), so user-scoped policies apply. */
export async function actAsUser(tx: Tx, userId: string): Promise<void> {
  await tx.query(`SELECT set_config('app.user_id', $1, true)`, [userId]);
}

/**
 * Within a transaction begun with no tenant, take the scope that something redeemed in it names (an
 * emailed token): from here on RLS applies to that clinic and user, as in withTenant.
 */
export async function enterTenant(tx: Tx, scope: TenantScope): Promise<void> {
  await tx.query(
    `SELECT set_config('app.clinic_id', $1, true), set_config('app.user_id', $2, true), set_config('app.role', $3, true)`,
    [scope.clinicId ?? '', scope.userId ?? '', scope.role ?? ''],
  );
}

/** The clinic a clinic-scoped action runs in; a principal without one (a super admin) cannot act here. */
export function clinicOf(scope: TenantScope): string {
  if (!scope.clinicId) throw new AppError('forbidden', 'This action belongs to a clinic; sign in as a member of one.');
  return scope.clinicId;
}
