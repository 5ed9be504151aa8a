import { customerLimitsOf } from '../clinics/customer-limits.ts';
import { lockCustomer } from '../customers/customer-repo.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import { AppError } from '../errors/app-error.ts';
import { countUpcomingOfCustomer } from './appointment-repo.ts';

/**
 * A customer booking for themselves may hold at most the clinic's cap of future appointments, so one
 * account cannot fill the calendar. Staff booking on a customer's behalf are not capped: they decide
 * for the clinic (a course of treatments is booked at once). The customer's row stays locked until the
 * booking commits, so concurrent bookings cannot all pass the count.
 */
export async function assertBelowBookingCap(tx: Tx, clinicId: string, customerId: string, now: Date): Promise<void> {
  await lockCustomer(tx, clinicId, customerId);
  const { maxUpcomingBookingsPerCustomer: limit } = await customerLimitsOf(tx, clinicId);
  if ((await countUpcomingOfCustomer(tx, clinicId, customerId, now)) >= limit) {
    throw new AppError('too-many-upcoming-bookings', `You may hold at most ${limit} upcoming appointments at this clinic.`, {
      limit,
    });
  }
}
