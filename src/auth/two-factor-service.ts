import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import type { Actor, Tx } from '../db/tenant-transaction.ts';
import { AppError, conflict } from '../errors/app-error.ts';
import type { Role } from '../users/role-vocabulary.ts';
import { findUserById } from '../users/user-repo.ts';
import { createAttemptBudget } from './attempt-budget.ts';
import { withOwnRow } from './auth-service.ts';
import type { SessionCache } from './session-cache.ts';
import { base32, matchingStep, newTotpSecret, otpauthUri } from './totp.ts';
import { openTotpSecret, sealTotpSecret, UnreadableTotpSecret } from './totp-secret-box.ts';
import {
  acceptStep,
  disableTwoFactor,
  enableTwoFactor,
  findTwoFactor,
  replaceTotpSecret,
  setPendingSecret,
  spendRecoveryCode,
} from './two-factor-repo.ts';

const ISSUER = 'Beauty with AI Precision';
const RECOVERY_CODES = 10;
/** The roles that hold the platform or a whole clinic: the web app asks them to turn it on. */
const RECOMMENDED_FOR: readonly Role[] = ['super_admin', 'clinic_owner'];

export type SecondFactor = 'totp' | 'recovery-code';

// 10 base32 characters (50 random bits) in two groups: typed from paper, used once, tried at most a
// few times per lockout window.
const newRecoveryCode = () => {
  const code = base32(randomBytes(7)).slice(0, 10).toLowerCase();
  return `${code.slice(0, 5)}-${code.slice(5)}`;
};
const recoveryHash = (code: string) => createHash('sha256').update(code.toLowerCase().replace(/[\s-]/g, '')).digest();

/**
 * TOTP (RFC 6238) as a second step of sign-in: enrolment (an otpauth URI, confirmed by a first code),
 * recovery codes, and turning it off with a code. Every code check spends from a per-user budget, so
 * the 10^6 codes cannot be guessed through any of these doors.
 */
export function createTwoFactorService({
  pool,
  redis,
  config,
  sessions,
}: {
  pool: pg.Pool;
  redis: Redis | null;
  config: Pick<
    Config,
    'REDIS_KEY_PREFIX' | 'SIGN_IN_MAX_FAILURES_PER_ACCOUNT' | 'SIGN_IN_LOCKOUT_SECONDS' | 'totpKey' | 'twoFactorRequiredRoles'
  >;
  sessions: SessionCache;
}) {
  const guesses = createAttemptBudget(redis, {
    keyPrefix: `${config.REDIS_KEY_PREFIX}two-factor`,
    points: config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
    seconds: config.SIGN_IN_LOCKOUT_SECONDS,
    limiter: 'two-factor-user',
  });

  /** In the caller's transaction on the user's row: a current code (taken once) or an unused recovery code. */
  async function proveSecondFactor(tx: Tx, userId: string, code: string): Promise<SecondFactor | undefined> {
    const row = await findTwoFactor(tx, userId);
    if (!row?.totp_secret) return undefined;
    const opened = openStoredSecret(userId, row.totp_secret);
    if (opened) {
      // Stored before secrets were encrypted: sealed on its first use.
      if (opened.wasPlain)
        await replaceTotpSecret(tx, userId, row.totp_secret, sealTotpSecret(config.totpKey, userId, opened.secret));
      const step = matchingStep(opened.secret, code.trim(), new Date());
      if (step !== undefined) return (await acceptStep(tx, userId, step)) ? 'totp' : undefined;
    }
    // Recovery codes are hashes, not sealed: they still work when the key that sealed the secret is gone.
    if (row.totp_enabled_at && (await spendRecoveryCode(tx, userId, recoveryHash(code)))) return 'recovery-code';
    if (!opened) throw new AppError('two-factor-unavailable');
    return undefined;
  }

  /** The user's secret, or undefined when this node's key cannot open it (an operator's key change). */
  function openStoredSecret(userId: string, stored: Buffer) {
    try {
      return openTotpSecret(config.totpKey, userId, stored);
    } catch (error) {
      if (!(error instanceof UnreadableTotpSecret)) throw error;
      return undefined;
    }
  }

  /**
   * Runs `work` once `code` is proven in the same transaction; a wrong code throws
   * two-factor-code-invalid and rolls back whatever `work` would have done.
   */
  async function withProvenCode<T>(
    actor: Pick<Actor, 'userId' | 'clinicId' | 'role'>,
    code: string,
    work: (tx: Tx, method: SecondFactor) => Promise<T>,
  ): Promise<T> {
    await guesses.spend(actor.userId);
    const result = await withOwnRow(pool, actor, async (tx) => {
      const method = await proveSecondFactor(tx, actor.userId, code);
      if (!method) throw new AppError('two-factor-code-invalid');
      return work(tx, method);
    });
    await guesses.clear(actor.userId);
    return result;
  }

  return {
    withProvenCode,

    async isEnabled(actor: Pick<Actor, 'userId' | 'clinicId' | 'role'>): Promise<boolean> {
      const row = await withOwnRow(pool, actor, (tx) => findTwoFactor(tx, actor.userId));
      return Boolean(row?.totp_enabled_at);
    },

    async status(actor: Actor) {
      const row = await withOwnRow(pool, actor, (tx) => findTwoFactor(tx, actor.userId));
      return {
        enabled: Boolean(row?.totp_enabled_at),
        recoveryCodesLeft: row?.totp_enabled_at ? row.recovery_codes_left : 0,
        recommended: RECOMMENDED_FOR.includes(actor.role),
        required: config.twoFactorRequiredRoles.includes(actor.role),
      };
    },

    /** A new secret to scan; it counts only once a first code confirms it. */
    async beginEnrolment(actor: Actor): Promise<{ secret: string; otpauthUri: string }> {
      const secret = newTotpSecret();
      const email = await withOwnRow(pool, actor, async (tx) => {
        if (!(await setPendingSecret(tx, actor.userId, sealTotpSecret(config.totpKey, actor.userId, secret))))
          throw conflict('Two-factor sign-in is already on.');
        return (await findUserById(tx, actor.userId))!.email;
      });
      return { secret: base32(secret), otpauthUri: otpauthUri(secret, email, ISSUER) };
    },

    /** The first code proves the app holds the secret; the recovery codes are shown this once. */
    async confirmEnrolment(actor: Actor, code: string, meta: RequestMeta): Promise<string[]> {
      const pending = await withOwnRow(pool, actor, (tx) => findTwoFactor(tx, actor.userId));
      if (pending?.totp_enabled_at) throw conflict('Two-factor sign-in is already on.');
      if (!pending?.totp_secret) throw conflict('Start the enrolment first (POST /api/me/two-factor/enrolment).');
      const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await withProvenCode(actor, code, async (tx) => {
        await enableTwoFactor(tx, actor.userId, codes.map(recoveryHash));
        await recordAuditBy(
          tx,
          actor,
          { clinicId: actor.clinicId, action: 'auth.two_factor_enable', targetType: 'user', targetId: actor.userId },
          meta,
        );
      });
      // The cached user row says whether the session is held to enrolment only.
      await sessions.forget({ userId: actor.userId });
      return codes;
    },

    /** Turning it off needs a current code or a recovery code, not only the session. */
    async disable(actor: Actor, code: string, meta: RequestMeta): Promise<void> {
      if (!(await this.isEnabled(actor))) throw conflict('Two-factor sign-in is not on.');
      await withProvenCode(actor, code, async (tx, method) => {
        await disableTwoFactor(tx, actor.userId);
        await recordAuditBy(
          tx,
          actor,
          {
            clinicId: actor.clinicId,
            action: 'auth.two_factor_disable',
            targetType: 'user',
            targetId: actor.userId,
            metadata: { with: method },
          },
          meta,
        );
      });
      await sessions.forget({ userId: actor.userId });
    },
  };
}

export type TwoFactorService = ReturnType<typeof createTwoFactorService>;
