import type pg from 'pg';
import type { Config } from '../config.ts';
import { recordAudit, type RequestMeta } from '../audit/audit-log.ts';
import type { ClinicService } from '../clinics/clinic-service.ts';
import type { ClinicSummary } from '../clinics/clinic-schemas.ts';
import { unsafeWithPlatformAccess, withTenant, type TenantScope, type Tx } from '../db/tenant-transaction.ts';
import { AppError } from '../errors/app-error.ts';
import type { Role } from '../users/role-vocabulary.ts';
import { findUserById, markSignedIn, type UserRow } from '../users/user-repo.ts';
import { verifyPassword } from './passwords.ts';
import { insertSession, revokeAllSessionsOfUser, revokeSession } from './session-repo.ts';
import { newSessionToken } from './session-token.ts';
import type { Principal } from '../http/authenticate.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import type { SessionCache } from './session-cache.ts';
import { issueAccountToken, peekAccountToken, redeemAccountToken } from './account-tokens.ts';
import type { TwoFactorService } from './two-factor-service.ts';

/**
 * Work on the user's own row. A clinic member reaches it through their clinic; a super admin has no
 * clinic and reaches it through the platform role (users has no self policy: see migration 0015).
 */
export function withOwnRow<T>(pool: pg.Pool, scope: TenantScope, work: (tx: Tx) => Promise<T>): Promise<T> {
  return scope.clinicId === null ? unsafeWithPlatformAccess(pool, scope, work) : withTenant(pool, scope, work);
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: UserRow;
}

/** The password was right and the account has two-factor sign-in: the code is asked for next. */
export interface SecondStepNeeded {
  challenge: string;
  expiresAt: Date;
}

// Long enough to open an authenticator app and type a code, short enough that a challenge left
// behind on a shared computer is soon worth nothing.
const CHALLENGE_MINUTES = 5;

interface AccountRow {
  user_id: string;
  clinic_id: string | null;
  role: Role;
  password_hash: string;
  disabled: boolean;
  clinic_active: boolean;
}

export function createAuthService(
  pool: pg.Pool,
  throttle: SignInThrottle,
  config: Pick<Config, 'SESSION_TTL_HOURS' | 'twoFactorRequiredRoles'>,
  clinics: Pick<ClinicService, 'findPublicClinicBySlug' | 'clinicSummary'>,
  sessions: SessionCache,
  twoFactor: TwoFactorService,
) {
  const mustEnrol = (user: UserRow) => config.twoFactorRequiredRoles.includes(user.role) && !user.two_factor_on;
  async function signedInUser(principal: Principal): Promise<UserRow> {
    const user = await sessions.user(principal.userId, () =>
      withOwnRow(pool, principal, (tx) => findUserById(tx, principal.userId)),
    );
    if (!user) throw new AppError('unauthenticated');
    return user;
  }

  const sessionExpiry = () => new Date(Date.now() + config.SESSION_TTL_HOURS * 3600_000);

  async function openSession(scope: TenantScope & { userId: string }, meta: RequestMeta) {
    const { token, hash } = newSessionToken();
    const expiresAt = sessionExpiry();
    await withTenant(pool, scope, (tx) => insertSession(tx, { userId: scope.userId, tokenHash: hash, expiresAt, ...meta }));
    return { token, expiresAt };
  }

  /** Marks the sign-in on the user's row and in the audit log; returns the row. */
  async function recordSignIn(
    tx: Tx,
    scope: { userId: string; clinicId: string | null; role: Role },
    meta: RequestMeta,
    metadata?: Record<string, unknown>,
  ): Promise<UserRow> {
    await markSignedIn(tx, scope.userId);
    await recordAudit(
      tx,
      {
        clinicId: scope.clinicId,
        actorUserId: scope.userId,
        actorRole: scope.role,
        action: 'auth.sign_in',
        targetType: 'user',
        targetId: scope.userId,
        ...(metadata && { metadata }),
      },
      meta,
    );
    return (await findUserById(tx, scope.userId))!;
  }

  return {
    async signIn(email: string, password: string, meta: RequestMeta & { ip: string }): Promise<SignedIn | SecondStepNeeded> {
      // Spent before the password is checked: parallel guesses cannot all be verified.
      const attempt = await throttle.admit(email, meta.ip);
      const { rows } = await pool.query<AccountRow>('SELECT * FROM auth_account_by_email($1)', [email]);
      const account = rows[0];
      const valid = await verifyPassword(account?.password_hash, password);
      if (!account || !valid) {
        const clinicId = account?.clinic_id ?? null;
        await withTenant(pool, { clinicId, userId: null, role: null }, (tx) =>
          recordAudit(
            tx,
            {
              clinicId,
              actorUserId: null,
              actorRole: null,
              action: 'auth.sign_in_failed',
              targetType: account ? 'user' : undefined,
              targetId: account?.user_id,
              metadata: { email: email.toLowerCase(), reason: account ? 'wrong-password' : 'unknown-email' },
            },
            meta,
          ),
        );
        throw new AppError('invalid-credentials');
      }
      // Only after the password is proven do we say why an account cannot sign in.
      if (account.disabled) throw new AppError('account-disabled');
      if (!account.clinic_active) throw new AppError('clinic-suspended');
      await attempt.succeeded();

      const scope = { clinicId: account.clinic_id, userId: account.user_id, role: account.role };
      if (await twoFactor.isEnabled(scope)) {
        const challenge = await withTenant(pool, scope, (tx) =>
          issueAccountToken(tx, {
            clinicId: account.clinic_id,
            userId: account.user_id,
            purpose: 'sign-in-challenge',
            ttlMinutes: CHALLENGE_MINUTES,
          }),
        );
        return { challenge, expiresAt: new Date(Date.now() + CHALLENGE_MINUTES * 60_000) };
      }
      const { token, expiresAt } = await openSession(scope, meta);
      const user = await withOwnRow(pool, scope, (tx) => recordSignIn(tx, scope, meta));
      return { token, expiresAt, user };
    },

    /**
     * The second step: the challenge from the first and a current code (or a recovery code). A wrong
     * code keeps the challenge for another try, within the two-factor guessing budget; a right one
     * spends both, in the transaction that records the sign-in.
     */
    async signInWithCode(challenge: string, code: string, meta: RequestMeta): Promise<SignedIn> {
      const owner = await peekAccountToken(pool, challenge, 'sign-in-challenge');
      if (!owner) throw new AppError('account-token-invalid');
      const user = await twoFactor.withProvenCode(owner, code, async (tx, method) => {
        if (!(await redeemAccountToken(tx, challenge, 'sign-in-challenge'))) throw new AppError('account-token-invalid');
        return recordSignIn(tx, owner, meta, { secondFactor: method });
      });
      const { token, expiresAt } = await openSession(owner, meta);
      return { token, expiresAt, user };
    },

    async signOut(principal: Principal): Promise<void> {
      await withTenant(pool, principal, (tx) => revokeSession(tx, principal.sessionId));
      await sessions.forget({ sessionId: principal.sessionId });
    },

    /** Revokes every session of the user, on every device; audited. */
    async signOutEverywhere(principal: Principal, meta: RequestMeta): Promise<number> {
      const revokedSessions = await withTenant(pool, principal, async (tx) => {
        const revoked = await revokeAllSessionsOfUser(tx, principal.userId);
        await recordAudit(
          tx,
          {
            clinicId: principal.clinicId,
            actorUserId: principal.userId,
            actorRole: principal.role,
            action: 'auth.sign_out_everywhere',
            targetType: 'user',
            targetId: principal.userId,
            metadata: { revoked },
          },
          meta,
        );
        return revoked;
      });
      await sessions.forget({ userId: principal.userId });
      return revokedSessions;
    },

    /** The signed-in user (from the session cache) with their clinic in brief (from the clinic cache). */
    async me(principal: Principal): Promise<{ user: UserRow; clinic: ClinicSummary | null; enrolmentRequired: boolean }> {
      const [user, clinic] = await Promise.all([signedInUser(principal), clinics.clinicSummary(principal)]);
      return { user, clinic, enrolmentRequired: mustEnrol(user) };
    },

    /** True while a user of a role that must have two-factor sign-in has not turned it on yet. */
    async twoFactorEnrolmentRequired(principal: Principal): Promise<boolean> {
      if (!config.twoFactorRequiredRoles.includes(principal.role)) return false;
      return mustEnrol(await signedInUser(principal));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
