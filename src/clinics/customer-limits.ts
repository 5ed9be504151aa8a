import type { Tx } from '../db/tenant-transaction.ts';

/**
 * What one customer may take of the clinic's budget, so a single account (or a script behind it)
 * cannot use up the analyses or the calendar every other customer shares. A clinic changes them in
 * its settings; these apply until it does.
 */
export const CUSTOMER_LIMIT_DEFAULTS = {
  monthlyAnalysesPerCustomer: 10,
  maxUpcomingBookingsPerCustomer: 5,
} as const;

export type CustomerLimits = { -readonly [K in keyof typeof CUSTOMER_LIMIT_DEFAULTS]: number };

/** The clinic's per-customer limits, read in the caller's transaction so they hold for its whole unit of work. */
export async function customerLimitsOf(tx: Tx, clinicId: string): Promise<CustomerLimits> {
  const { rows } = await tx.query<{ analyses: number | null; bookings: number | null }>(
    `SELECT (settings->>'monthlyAnalysesPerCustomer')::int AS analyses, (settings->>'maxUpcomingBookingsPerCustomer')::int AS bookings
     FROM clinics WHERE id = $1`,
    [clinicId],
  );
  return {
    monthlyAnalysesPerCustomer: rows[0]?.analyses ?? CUSTOMER_LIMIT_DEFAULTS.monthlyAnalysesPerCustomer,
    maxUpcomingBookingsPerCustomer: rows[0]?.bookings ?? CUSTOMER_LIMIT_DEFAULTS.maxUpcomingBookingsPerCustomer,
  };
}
