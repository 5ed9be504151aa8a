import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { recordAudit, recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import type { SendAccountEmail } from '../auth/account-mail.ts';
import { issueAccountToken, redeemAccountToken, secondsSinceLastToken } from '../auth/account-tokens.ts';
import { hashPassword } from '../auth/passwords.ts';
import { availabilityWriter } from '../availability/availability-cache.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { findClinicById } from '../clinics/clinic-repo.ts';
import { ANONYMOUS, clinicOf, enterTenant, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { AppError, forbidden, notFound } from '../errors/app-error.ts';
import { decodeCursor, pageByCreation } from '../http/pagination.ts';
import { isStaffRole, type Role } from '../users/role-vocabulary.ts';
import { findUserById, markEmailVerified, setClinicUserDisabled, setPasswordHash, type UserRow } from '../users/user-repo.ts';
import { invitationEmail } from './invitation-email.ts';
import { findPendingInvitation, listPendingInvitations, spendInvitationTokens, type InvitationRow } from './invitation-repo.ts';
import type { InvitationListQuery, InviteStaffInput } from './invitation-schemas.ts';
import { mayManage } from './staff-roles.ts';
import { insertStaffInFreeSeat, lockClinic } from './staff-seats.ts';

type InvitationConfig = Pick<Config, 'INVITATION_HOURS' | 'PUBLIC_URL'>;

// Each resend is an email to someone outside the clinic: at most one a minute per invitation.
const RESEND_INTERVAL_SECONDS = 60;

/**
 * Staff invitations. An invitation is the staff account itself, made at once with the role and an
 * unproven address, and with a random password nobody knows: it takes a seat from the moment it is
 * sent (so a clinic cannot promise more seats than its plan has), can be scheduled before it is
 * accepted, and becomes usable when the invitee follows the emailed link and sets a password.
 */
export function createInvitationService({
  pool,
  responses,
  send,
  config,
}: {
  pool: pg.Pool;
  responses: ResponseCache;
  send: SendAccountEmail;
  config: InvitationConfig;
}) {
  // Revoking disables the account, which takes it off any slot it was scheduled for.
  const changingAvailability = availabilityWriter(pool, responses);

  async function findOrThrow(tx: Tx, clinicId: string, id: string): Promise<InvitationRow> {
    const invitation = await findPendingInvitation(tx, clinicId, id);
    if (!invitation) throw notFound('invitation');
    return invitation;
  }

  /** A new link (earlier ones stop working), and the email carrying it once the transaction has committed. */
  async function issueLink(tx: Tx, clinicId: string, invitee: UserRow) {
    const token = await issueAccountToken(tx, {
      clinicId,
      userId: invitee.id,
      purpose: 'invitation',
      ttlMinutes: config.INVITATION_HOURS * 60,
    });
    const clinic = await findClinicById(tx, clinicId);
    const email = invitationEmail({
      to: invitee.email,
      name: invitee.full_name,
      clinic: clinic!.name,
      locale: invitee.locale,
      token,
      hours: config.INVITATION_HOURS,
      publicUrl: config.PUBLIC_URL,
    });
    return { email, invitation: (await findPendingInvitation(tx, clinicId, invitee.id))! };
  }

  function assertMayInvite(actor: Actor, role: Role): void {
    if (!mayManage(actor.role, role)) throw forbidden('Only an owner can invite or manage an admin.');
  }

  return {
    async list(actor: Actor, query: InvitationListQuery) {
      const clinicId = clinicOf(actor);
      const rows = await withTenant(
        pool,
        actor,
        (tx) => listPendingInvitations(tx, clinicId, { after: decodeCursor(query.cursor), limit: query.limit }),
        { readOnly: true },
      );
      return pageByCreation(rows, query.limit);
    },

    async invite(actor: Actor, input: InviteStaffInput, meta: RequestMeta): Promise<InvitationRow> {
      const clinicId = clinicOf(actor);
      assertMayInvite(actor, input.role);
      // Nobody learns this password: the account cannot be signed in to until the invitee sets theirs.
      const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
      const { email, invitation } = await withTenant(pool, actor, async (tx) => {
        const user = await insertStaffInFreeSeat(tx, {
          clinicId,
          email: input.email,
          passwordHash,
          role: input.role,
          fullName: input.fullName,
          locale: input.locale,
          emailVerified: false,
        });
        await recordAuditBy(
          tx,
          actor,
          { clinicId, action: 'staff.invite', targetType: 'user', targetId: user.id, metadata: { role: user.role } },
          meta,
        );
        return issueLink(tx, clinicId, user);
      });
      await send(email, 'invitation');
      return invitation;
    },

    async resend(actor: Actor, id: string, meta: RequestMeta): Promise<InvitationRow> {
      const clinicId = clinicOf(actor);
      const { email, invitation } = await withTenant(pool, actor, async (tx) => {
        const pending = await findOrThrow(tx, clinicId, id);
        assertMayInvite(actor, pending.role);
        const since = await secondsSinceLastToken(tx, clinicId, id, 'invitation');
        if (since !== null && since < RESEND_INTERVAL_SECONDS) {
          const wait = Math.ceil(RESEND_INTERVAL_SECONDS - since);
          throw new AppError('too-many-requests', `A new link can be sent in ${wait} s.`, {}, { 'retry-after': String(wait) });
        }
        await recordAuditBy(tx, actor, { clinicId, action: 'staff.invitation_resend', targetType: 'user', targetId: id }, meta);
        return issueLink(tx, clinicId, pending);
      });
      await send(email, 'invitation');
      return invitation;
    },

    /** The link stops working and the account is disabled, which frees its seat. */
    async revoke(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
      const clinicId = clinicOf(actor);
      await changingAvailability(actor, async (tx) => {
        await lockClinic(tx, clinicId);
        const pending = await findOrThrow(tx, clinicId, id);
        assertMayInvite(actor, pending.role);
        await spendInvitationTokens(tx, clinicId, id);
        await setClinicUserDisabled(tx, clinicId, id, true);
        await recordAuditBy(tx, actor, { clinicId, action: 'staff.invitation_revoke', targetType: 'user', targetId: id }, meta);
      });
    },

    /**
     * Spends the emailed token and sets the invitee's password; following the link proves the address.
     * Like a password reset, it does not sign them in: they sign in with the password they just chose.
     */
    async accept(token: string, password: string, meta: RequestMeta): Promise<void> {
      const passwordHash = await hashPassword(password);
      await withTenant(pool, ANONYMOUS, async (tx) => {
        const owner = await redeemAccountToken(tx, token, 'invitation');
        if (!owner?.clinicId) throw new AppError('account-token-invalid');
        await enterTenant(tx, { clinicId: owner.clinicId, userId: owner.userId, role: null });
        const user = await findUserById(tx, owner.userId);
        // Disabled after the invitation was sent: the link must not bring the account back.
        if (!user || user.disabled_at || !isStaffRole(user.role)) {
          throw new AppError('account-token-invalid');
        }
        await setPasswordHash(tx, user.id, passwordHash);
        await markEmailVerified(tx, user.id);
        await recordAudit(
          tx,
          {
            clinicId: user.clinic_id,
            actorUserId: user.id,
            actorRole: user.role,
            action: 'staff.invitation_accept',
            targetType: 'user',
            targetId: user.id,
          },
          meta,
        );
      });
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
