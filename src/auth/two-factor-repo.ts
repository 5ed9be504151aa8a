import type { Tx } from '../db/tenant-transaction.ts';

export interface TwoFactorRow {
  totp_secret: Buffer | null;
  totp_enabled_at: Date | null;
  recovery_codes_left: number;
}

export async function findTwoFactor(tx: Tx, userId: string): Promise<TwoFactorRow | undefined> {
  const { rows } = await tx.query<TwoFactorRow>(
    `SELECT totp_secret, totp_enabled_at, cardinality(totp_recovery_hashes) AS recovery_codes_left FROM users WHERE id = $1`,
    [userId],
  );
  return rows[0];
}

/** A new (sealed) secret awaiting its first code; replaces an earlier unconfirmed one, never an enabled one. */
export async function setPendingSecret(tx: Tx, userId: string, secret: Buffer): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE users SET totp_secret = $2, totp_last_step = NULL, totp_recovery_hashes = '{}', updated_at = now()
     WHERE id = $1 AND totp_enabled_at IS NULL`,
    [userId, secret],
  );
  return (rowCount ?? 0) > 0;
}

/** Seals a secret stored before encryption, in place; only if it is still the value read. */
export async function replaceTotpSecret(tx: Tx, userId: string, was: Buffer, sealed: Buffer): Promise<void> {
  await tx.query(`UPDATE users SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2`, [userId, was, sealed]);
}

/**
 * Takes the code of `step` if no code of this or a later step was taken before: a code works once.
 * One statement under the row lock, so two requests with the same code cannot both pass.
 */
export async function acceptStep(tx: Tx, userId: string, step: number): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
    [userId, step],
  );
  return (rowCount ?? 0) > 0;
}

export async function enableTwoFactor(tx: Tx, userId: string, recoveryHashes: Buffer[]): Promise<void> {
  await tx.query(
    `UPDATE users SET totp_enabled_at = now(), totp_recovery_hashes = $2, updated_at = now() WHERE id = $1 AND totp_secret IS NOT NULL`,
    [userId, recoveryHashes],
  );
}

/** Spends a recovery code: true when it was one of the user's unused ones. */
export async function spendRecoveryCode(tx: Tx, userId: string, hash: Buffer): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE users SET totp_recovery_hashes = array_remove(totp_recovery_hashes, $2::bytea)
     WHERE id = $1 AND $2::bytea = ANY (totp_recovery_hashes)`,
    [userId, hash],
  );
  return (rowCount ?? 0) > 0;
}

export async function disableTwoFactor(tx: Tx, userId: string): Promise<void> {
  await tx.query(
    `UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, totp_recovery_hashes = '{}', updated_at = now()
     WHERE id = $1`,
    [userId],
  );
}
