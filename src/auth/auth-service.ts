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
  config: Pick<Config, 'SESSION_TTL_HOURS'>,
  clinics: Pick<ClinicService, 'findPublicClinicBySlug' | 'clinicSummary'>,
  sessions: SessionCache,
) {
  const sessionExpiry = () => new Date(Date.now() + config.SESSION_TTL_HOURS * 3600_000);

  async function openSession(scope: TenantScope & { userId: string }, meta: RequestMeta) {
    const { token, hash } = newSessionToken();
    const expiresAt = sessionExpiry();
    await withTenant(pool, scope, (tx) => insertSession(tx, { userId: scope.userId, tokenHash: hash, expiresAt, ...meta }));
    return { token, expiresAt };
  }

  return {
    async signIn(email: string, password: string, meta: RequestMeta & { ip: string }): Promise<SignedIn> {
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
      const { token, expiresAt } = await openSession(scope, meta);
      const user = await withOwnRow(pool, scope, async (tx) => {
        await markSignedIn(tx, account.user_id);
        await recordAudit(
          tx,
          {
            clinicId: account.clinic_id,
            actorUserId: account.user_id,
            actorRole: account.role,
            action: 'auth.sign_in',
            targetType: 'user',
            targetId: account.user_id,
          },
          meta,
        );
        return (await findUserById(tx, account.user_id))!;
      });
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
    async me(principal: Principal): Promise<{ user: UserRow; clinic: ClinicSummary | null }> {
      const [user, clinic] = await Promise.all([
        sessions.user(principal.userId, () => withOwnRow(pool, principal, (tx) => findUserById(tx, principal.userId))),
        clinics.clinicSummary(principal),
      ]);
      if (!user) throw new AppError('unauthenticated');
      return { user, clinic };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
