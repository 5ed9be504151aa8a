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
    await client.query(openingStatement(scope, platform, statementTimeoutMs, readOnly));
    const result = await work(client);
    await client.query('COMMIT');
    ended?.('commit');
    return result;
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
