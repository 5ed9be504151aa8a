import type pg from 'pg';
import type { z } from 'zod';
import { DateTime } from 'luxon';
import { clinicOf, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { findSlots } from '../availability/slot-finder.ts';
import { findTreatment } from '../treatments/treatment-repo.ts';
import { setupCounts } from './setup-progress-repo.ts';
import type { SetupProgress } from './setup-progress-schemas.ts';

/** Weekly hours repeat every 7 days; two weeks also clear a long minimum notice. */
const SLOT_SEARCH_DAYS = 14;
/** A few performed treatments are tried for a slot; a clinic that gets this far has one that books. */
const SLOT_CANDIDATES = 3;

/** Whether a customer could book any of the treatments in the next two weeks, as the availability API would answer. */
async function hasBookableSlot(tx: Tx, clinicId: string, timeZone: string, treatmentIds: string[], now: Date): Promise<boolean> {
  const fromDate = DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
  const toDate = DateTime.fromJSDate(now, { zone: timeZone }).plus({ days: SLOT_SEARCH_DAYS }).toISODate()!;
  for (const id of treatmentIds) {
    const treatment = (await findTreatment(tx, clinicId, id))!;
    if ((await findSlots(tx, { clinicId, timeZone, treatment, fromDate, toDate, now })).length > 0) return true;
  }
  return false;
}

export function createSetupProgressService(pool: pg.Pool, clock: () => Date = () => new Date()) {
  return {
    /** The getting-started checklist of the staff dashboard, answered in one read-only transaction. */
    progress(actor: Actor): Promise<z.infer<typeof SetupProgress>> {
      const clinicId = clinicOf(actor);
      return withTenant(
        pool,
        actor,
        async (tx) => {
          const counts = await setupCounts(tx, clinicId, SLOT_CANDIDATES);
          return {
            bookingLink: `/c/${counts.slug}`,
            treatment: counts.has_treatment,
            room: counts.has_room,
            workingHours: counts.has_working_hours,
            bookableSlot: await hasBookableSlot(tx, clinicId, counts.time_zone, counts.performed_treatment_ids, clock()),
            bookingLinkShared: counts.booking_link_shared,
          };
        },
        { readOnly: true },
      );
    },
  };
}

export type SetupProgressService = ReturnType<typeof createSetupProgressService>;
