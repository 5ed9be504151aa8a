import type pg from 'pg';
import type { ResponseCache } from '../cache/response-cache.ts';
import { clinicOf, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';

/** The response cache's name for a clinic's bookable slots. */
export const AVAILABILITY = 'availability';

/**
 * A tenant transaction that changes what can be booked (hours, leave, rooms, staff, bookings): once it
 * has committed, the clinic's cached slots are dropped on every node. A refused one drops them too: a
 * booking that lost its slot saw slots that were already out of date (the winner's own invalidation may
 * not have arrived yet), and the caller looks again at once.
 */
export function availabilityWriter(pool: pg.Pool, responses: Pick<ResponseCache, 'invalidate'>) {
  return async <T>(actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> => {
    try {
      return await withTenant(pool, actor, work);
    } finally {
      await responses.invalidate(clinicOf(actor), AVAILABILITY);
    }
  };
}
