import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { recordAudit, type RequestMeta } from '../audit/audit-log.ts';
import { ANONYMOUS, enterTenant, withTenant } from '../db/tenant-transaction.ts';
import { AppError } from '../errors/app-error.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import type { Role } from '../users/role-vocabulary.ts';
import { findUserById, markEmailVerified, setPasswordHash } from '../users/user-repo.ts';
import { issueAccountToken, redeemAccountToken, secondsSinceLastToken } from './account-tokens.ts';
import type { SendAccountEmail } from './account-mail.ts';
import { createAttemptBudget } from './attempt-budget.ts';
import { hashPassword } from './passwords.ts';
import { passwordResetEmail } from './password-reset-email.ts';
import { revokeAllSessionsOfUser } from './session-repo.ts';
import type { SessionCache } from './session-cache.ts';

interface RecoverableAccount {
  user_id: string;
  clinic_id: string | null;
  role: Role;
  locale: Locale;
  email: string;
  full_name: string;
  disabled: boolean;
  clinic_active: boolean;
}

// One reset email per account at most this often, whoever asks: each request is an email we send.
const EMAIL_INTERVAL_SECONDS = 60;

type ResetConfig = Pick<
  Config,
  | 'PASSWORD_RESET_MINUTES'
  | 'PUBLIC_URL'
  | 'REDIS_KEY_PREFIX'
  | 'SIGN_IN_MAX_FAILURES_PER_ACCOUNT'
  | 'SIGN_IN_MAX_FAILURES_PER_IP'
  | 'SIGN_IN_LOCKOUT_SECONDS'
>;

/**
 * Forgotten passwords: a single-use, short-lived link by email, and the new password set with it.
 * The request answers the same whether or not the address has an account, and is limited per address
 * and per client address with the sign-in budgets, so it can be used neither to discover accounts nor
 * to flood a mailbox.
 */
export function createPasswordResetService({
  pool,
  redis,
  sessions,
  send,
  config,
}: {
  pool: pg.Pool;
  redis: Redis | null;
  sessions: SessionCache;
  send: SendAccountEmail;
  config: ResetConfig;
}) {
  const budget = (name: string, points: number, limiter: 'password-reset-account' | 'password-reset-ip') =>
    createAttemptBudget(redis, {
      keyPrefix: `${config.REDIS_KEY_PREFIX}reset-${name}`,
      points,
      seconds: config.SIGN_IN_LOCKOUT_SECONDS,
      limiter,
    });
  const byAccount = budget('account', config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT, 'password-reset-account');
  const byIp = budget('ip', config.SIGN_IN_MAX_FAILURES_PER_IP, 'password-reset-ip');

  /**
   * Who may get a reset link: an enabled member of an active clinic. A super admin's password is not
   * reset by email (whoever reads the mailbox would hold the platform): `npm run create-admin` does it.
   */
  async function recoverableAccount(email: string): Promise<RecoverableAccount | undefined> {
    const { rows } = await pool.query<RecoverableAccount>('SELECT * FROM auth_account_recovery_by_email($1)', [email]);
    const account = rows[0];
    return account && account.clinic_id !== null && !account.disabled && account.clinic_active ? account : undefined;
  }

  return {
    async requestReset(email: string, meta: RequestMeta & { ip: string }): Promise<void> {
      await byIp.spend(meta.ip);
      await byAccount.spend(email.trim().toLowerCase());
      const account = await recoverableAccount(email);
      if (!account) return;
      const scope = { clinicId: account.clinic_id, userId: account.user_id, role: account.role };
      const token = await withTenant(pool, scope, async (tx) => {
        const since = await secondsSinceLastToken(tx, account.clinic_id, account.user_id, 'reset-password');
        if (since !== null && since < EMAIL_INTERVAL_SECONDS) return null;
        const token = await issueAccountToken(tx, {
          clinicId: account.clinic_id,
          userId: account.user_id,
          purpose: 'reset-password',
          ttlMinutes: config.PASSWORD_RESET_MINUTES,
        });
        await recordAudit(
          tx,
          {
            clinicId: account.clinic_id,
            actorUserId: null,
            actorRole: null,
            action: 'auth.password_reset_requested',
            targetType: 'user',
            targetId: account.user_id,
          },
          meta,
        );
        return token;
      });
      if (!token) return;
      // Not awaited: how long SMTP takes would tell an asker that the address has an account.
      void send(
        passwordResetEmail({
          to: account.email,
          name: account.full_name,
          locale: account.locale,
          token,
          minutes: config.PASSWORD_RESET_MINUTES,
          publicUrl: config.PUBLIC_URL,
        }),
        'reset-password',
      );
    },

    /**
     * Spends the emailed token and sets the new password. Every session of the account ends: whoever
     * knew the old password is signed out. Following the link also proves the address is theirs.
     */
    async resetPassword(token: string, newPassword: string, meta: RequestMeta): Promise<void> {
      const passwordHash = await hashPassword(newPassword);
      const userId = await withTenant(pool, ANONYMOUS, async (tx) => {
        const owner = await redeemAccountToken(tx, token, 'reset-password');
        if (!owner) throw new AppError('account-token-invalid');
        await enterTenant(tx, { clinicId: owner.clinicId, userId: owner.userId, role: null });
        const user = await findUserById(tx, owner.userId);
        if (!user) throw new AppError('account-token-invalid');
        await setPasswordHash(tx, user.id, passwordHash);
        await markEmailVerified(tx, user.id);
        const revoked = await revokeAllSessionsOfUser(tx, user.id);
        await recordAudit(
          tx,
          {
            clinicId: user.clinic_id,
            actorUserId: user.id,
            actorRole: user.role,
            action: 'auth.password_reset',
            targetType: 'user',
            targetId: user.id,
            metadata: { revokedSessions: revoked },
          },
          meta,
        );
        return user.id;
      });
      await sessions.forget({ userId });
    },
  };
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;
