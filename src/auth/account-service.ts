import type pg from 'pg';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { withTenant } from '../db/tenant-transaction.ts';
import { AppError } from '../errors/app-error.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import type { Principal } from '../http/authenticate.ts';
import { findUserById, passwordHashOf, setPasswordHash, updateOwnProfile, type UserRow } from '../users/user-repo.ts';
import { withOwnRow } from './auth-service.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { revokeOtherSessionsOfUser } from './session-repo.ts';
import type { SessionCache } from './session-cache.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export interface ProfileChanges {
  fullName?: string | undefined;
  phone?: string | null | undefined;
  locale?: Locale | undefined;
}

/** What signed-in users do to their own account: profile, password, their other devices. */
export function createAccountService(pool: pg.Pool, throttle: SignInThrottle, sessions: SessionCache) {
  /** Ends every other session of the user; the one asking stays signed in. */
  async function revokeOtherSessions(principal: Principal, action: string | null, meta: RequestMeta): Promise<number> {
    // Sessions are reached through the user's own policy, which a super admin's platform transaction
    // does not have: this is a transaction of its own for every role.
    const revoked = await withTenant(pool, principal, async (tx) => {
      const revoked = await revokeOtherSessionsOfUser(tx, principal.userId, principal.sessionId);
      if (action)
        await recordAuditBy(
          tx,
          principal,
          { clinicId: principal.clinicId, action, targetType: 'user', targetId: principal.userId, metadata: { revoked } },
          meta,
        );
      return revoked;
    });
    await sessions.forget({ userId: principal.userId });
    return revoked;
  }

  return {
    async updateProfile(principal: Principal, changes: ProfileChanges, meta: RequestMeta): Promise<UserRow> {
      const user = await withOwnRow(pool, principal, async (tx) => {
        const user = await updateOwnProfile(tx, principal.userId, changes);
        if (!user) throw new AppError('unauthenticated');
        await recordAuditBy(
          tx,
          principal,
          {
            clinicId: principal.clinicId,
            action: 'auth.profile_update',
            targetType: 'user',
            targetId: principal.userId,
            metadata: { fields: Object.keys(changes).filter((k) => changes[k as keyof ProfileChanges] !== undefined) },
          },
          meta,
        );
        return user;
      });
      await sessions.forget({ userId: principal.userId });
      return user;
    },

    /**
     * Needs the current password, checked against the sign-in budgets (a borrowed session must not
     * become a way to guess it). Other devices are signed out; this one stays.
     */
    async changePassword(
      principal: Principal,
      p: { currentPassword: string; newPassword: string },
      meta: RequestMeta & { ip: string },
    ): Promise<number> {
      const current = await withOwnRow(pool, principal, async (tx) => ({
        hash: await passwordHashOf(tx, principal.userId),
        user: await findUserById(tx, principal.userId),
      }));
      if (!current.hash || !current.user) throw new AppError('unauthenticated');
      const attempt = await throttle.admit(current.user.email, meta.ip);
      if (!(await verifyPassword(current.hash, p.currentPassword))) throw new AppError('wrong-current-password');
      await attempt.succeeded();
      const newHash = await hashPassword(p.newPassword);
      await withOwnRow(pool, principal, async (tx) => {
        await setPasswordHash(tx, principal.userId, newHash);
        await recordAuditBy(
          tx,
          principal,
          { clinicId: principal.clinicId, action: 'auth.password_change', targetType: 'user', targetId: principal.userId },
          meta,
        );
      });
      // The password change's own entry records this.
      return revokeOtherSessions(principal, null, meta);
    },

    signOutOtherDevices: (principal: Principal, meta: RequestMeta) =>
      revokeOtherSessions(principal, 'auth.sign_out_others', meta),
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
