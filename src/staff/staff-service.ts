import type pg from 'pg';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { SessionCache } from '../auth/session-cache.ts';
import { clinicOf, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { AppError, forbidden, notFound } from '../errors/app-error.ts';
import { availabilityWriter } from '../availability/availability-cache.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { decodeCursor, pageByCreation } from '../http/pagination.ts';
import { revokeSessionsOfClinicUser, setClinicUserDisabled, updateClinicUser, type UserRow } from '../users/user-repo.ts';
import { countActiveOwners, findClinicStaffMember, listClinicStaff } from './staff-repo.ts';
import { assertSeatFree, insertStaffInFreeSeat, lockClinic } from './staff-seats.ts';
import { STAFF_ROLES } from '../users/role-vocabulary.ts';
import { mayManage } from './staff-roles.ts';
import type { CreateStaffInput, StaffListQuery, UpdateStaffInput } from './staff-schemas.ts';

export function createStaffService(pool: pg.Pool, sessions: SessionCache, responses: ResponseCache) {
  // A disabled staff member is offered for no slot, and a role change can take someone off the schedule.
  const changingAvailability = availabilityWriter(pool, responses);
  const audit = (tx: Tx, actor: Actor, action: string, target: UserRow, meta: RequestMeta, metadata?: Record<string, unknown>) =>
    recordAuditBy(
      tx,
      actor,
      { clinicId: actor.clinicId, action, targetType: 'user', targetId: target.id, ...(metadata ? { metadata } : {}) },
      meta,
    );

  async function findOrThrow(tx: Tx, clinicId: string, id: string): Promise<UserRow> {
    const member = await findClinicStaffMember(tx, clinicId, id);
    if (!member) throw notFound('staff member');
    return member;
  }

  return {
    async list(actor: Actor, query: StaffListQuery) {
      const clinicId = clinicOf(actor);
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(
        pool,
        actor,
        (tx) =>
          listClinicStaff(tx, clinicId, {
            roles: query.role ? [query.role] : STAFF_ROLES,
            includeDisabled: query.includeDisabled,
            after,
            limit: query.limit,
          }),
        { readOnly: true },
      );
      return pageByCreation(rows, query.limit);
    },

    async get(actor: Actor, id: string): Promise<UserRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, (tx) => findOrThrow(tx, clinicId, id), { readOnly: true });
    },

    async create(actor: Actor, input: CreateStaffInput, meta: RequestMeta): Promise<UserRow> {
      const clinicId = clinicOf(actor);
      if (!mayManage(actor.role, input.role)) throw forbidden('Only an owner can create an admin.');
      // Hashing takes a while: done before the transaction, which then holds the clinic lock only briefly.
      const passwordHash = await hashPassword(input.password);
      return withTenant(pool, actor, async (tx) => {
        const user = await insertStaffInFreeSeat(tx, {
          clinicId,
          email: input.email,
          passwordHash,
          role: input.role,
          fullName: input.fullName,
          phone: input.phone ?? null,
          ...(input.locale ? { locale: input.locale } : {}),
        });
        await audit(tx, actor, 'staff.create', user, meta, { role: user.role });
        return user;
      });
    },

    async update(actor: Actor, id: string, changes: UpdateStaffInput, meta: RequestMeta): Promise<UserRow> {
      const clinicId = clinicOf(actor);
      const updated = await changingAvailability(actor, async (tx) => {
        if (changes.role !== undefined) await lockClinic(tx, clinicId);
        const target = await findOrThrow(tx, clinicId, id);
        const newRole = changes.role !== undefined && changes.role !== target.role ? changes.role : undefined;
        const isSelf = target.id === actor.userId;
        // Anyone may edit their own profile; a role change always needs the rank over both roles.
        if (!(isSelf && newRole === undefined) && !mayManage(actor.role, target.role)) {
          throw forbidden('Only an owner can change an owner or an admin.');
        }
        if (newRole !== undefined) {
          if (!mayManage(actor.role, newRole)) throw forbidden('Only an owner can make someone an owner or an admin.');
          await assertAnotherOwnerRemains(tx, clinicId, target);
        }
        const profile = { fullName: changes.fullName, phone: changes.phone, locale: changes.locale };
        const profileFields = Object.entries(profile).flatMap(([k, v]) => (v === undefined ? [] : [k]));
        if (newRole === undefined && profileFields.length === 0) return target;
        const updated = (await updateClinicUser(tx, clinicId, id, { ...profile, role: newRole }))!;
        if (newRole !== undefined) await audit(tx, actor, 'staff.role_change', updated, meta, { from: target.role, to: newRole });
        if (profileFields.length) await audit(tx, actor, 'staff.update', updated, meta, { fields: profileFields });
        return updated;
      });
      // A new role must reach the user's next request; a new name their next /api/me.
      await sessions.forget({ userId: id });
      return updated;
    },

    /** Disabling ends every session of the user at once, and frees their seat. */
    async disable(actor: Actor, id: string, meta: RequestMeta): Promise<UserRow> {
      const clinicId = clinicOf(actor);
      const disabled = await changingAvailability(actor, async (tx) => {
        await lockClinic(tx, clinicId);
        const target = await findOrThrow(tx, clinicId, id);
        if (target.id === actor.userId) throw new AppError('cannot-disable-self');
        if (!mayManage(actor.role, target.role)) throw forbidden('Only an owner can disable an owner or an admin.');
        if (target.disabled_at) return target;
        await assertAnotherOwnerRemains(tx, clinicId, target);
        const updated = (await setClinicUserDisabled(tx, clinicId, id, true))!;
        const revokedSessions = await revokeSessionsOfClinicUser(tx, id);
        await audit(tx, actor, 'staff.disable', updated, meta, { revokedSessions });
        return updated;
      });
      await sessions.forget({ userId: id });
      return disabled;
    },

    /** Enabling takes a seat again, so the tier's user limit is checked as for a new account. */
    async enable(actor: Actor, id: string, meta: RequestMeta): Promise<UserRow> {
      const clinicId = clinicOf(actor);
      return changingAvailability(actor, async (tx) => {
        const limits = await lockClinic(tx, clinicId);
        const target = await findOrThrow(tx, clinicId, id);
        if (!mayManage(actor.role, target.role)) throw forbidden('Only an owner can enable an owner or an admin.');
        if (!target.disabled_at) return target;
        await assertSeatFree(tx, clinicId, limits);
        const updated = (await setClinicUserDisabled(tx, clinicId, id, false))!;
        await audit(tx, actor, 'staff.enable', updated, meta);
        return updated;
      });
    },
  };
}

export type StaffService = ReturnType<typeof createStaffService>;

async function assertAnotherOwnerRemains(tx: Tx, clinicId: string, target: UserRow): Promise<void> {
  if (target.role !== 'clinic_owner' || target.disabled_at) return;
  if ((await countActiveOwners(tx, clinicId)) <= 1) throw new AppError('last-active-owner');
}
