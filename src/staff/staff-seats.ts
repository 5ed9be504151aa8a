import { findClinicLimits, type ClinicLimits } from '../clinics/clinic-limits.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import { insertUser, type NewUser } from '../users/user-repo.ts';
import { countActiveStaffSeats } from './staff-repo.ts';

/**
 * Every change to seats or owners takes the clinic row's lock first, so two requests cannot both
 * take the last seat, and two owners demoting or disabling each other cannot leave no owner.
 */
export async function lockClinic(tx: Tx, clinicId: string): Promise<ClinicLimits> {
  const limits = await findClinicLimits(tx, clinicId, { forUpdate: true });
  if (!limits) throw notFound('clinic');
  return limits;
}

export async function assertSeatFree(tx: Tx, clinicId: string, limits: ClinicLimits): Promise<void> {
  if (limits.maxUsers === null) return;
  const activeUsers = await countActiveStaffSeats(tx, clinicId);
  if (activeUsers >= limits.maxUsers) {
    throw new AppError('tier-user-limit', `The ${limits.tier} plan allows ${limits.maxUsers} active users.`, {
      limit: limits.maxUsers,
      activeUsers,
    });
  }
}

/** A new member of the clinic's staff, in a free seat of its plan (402 tier-user-limit otherwise). */
export async function insertStaffInFreeSeat(tx: Tx, user: NewUser & { clinicId: string }) {
  await assertSeatFree(tx, user.clinicId, await lockClinic(tx, user.clinicId));
  return insertUser(tx, user);
}
