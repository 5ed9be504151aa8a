import { DateTime } from 'luxon';
import type { Tx } from '../db/tenant-transaction.ts';
import { busyIntervals } from '../appointments/appointment-repo.ts';
import { listRooms } from '../rooms/room-repo.ts';
import { exceptionsOf, findBookingRules, staffForTreatment, workingHoursOf } from '../schedules/schedule-repo.ts';
import type { TreatmentRow } from '../treatments/treatment-repo.ts';
import { availableSlots, type Interval, type Slot } from './available-slots.ts';

export interface SlotQuery {
  clinicId: string;
  timeZone: string;
  treatment: TreatmentRow;
  fromDate: string;
  toDate: string;
  staffUserId?: string | undefined;
  now: Date;
  /** Staff booking for a walk-in or a phone call are not held to the customer's minimum notice. */
  ignoreNotice?: boolean;
  /** When moving an appointment, its own interval must not block its new time. */
  exceptAppointmentId?: string;
}

/** Loads everything availability depends on, in the caller's transaction, and computes the slots. */
export async function findSlots(tx: Tx, q: SlotQuery): Promise<Slot[]> {
  const staffIds = await staffForTreatment(tx, q.clinicId, q.treatment.id, q.staffUserId);
  if (staffIds.length === 0) return [];
  // A day either side covers buffers and zone offsets at the edges of the local date range.
  const from = DateTime.fromISO(q.fromDate, { zone: q.timeZone }).minus({ days: 1 }).toJSDate();
  const until = DateTime.fromISO(q.toDate, { zone: q.timeZone }).plus({ days: 2 }).toJSDate();
  // One connection runs one query at a time: these go in sequence (pg deprecates queueing them).
  const rules = await findBookingRules(tx, q.clinicId);
  const hours = await workingHoursOf(tx, q.clinicId, staffIds);
  const exceptions = await exceptionsOf(tx, q.clinicId, staffIds, from, until);
  const busy = await busyIntervals(tx, q.clinicId, staffIds, from, until, q.exceptAppointmentId);
  const rooms = await listRooms(tx, q.clinicId, true);
  const interval = (a: Date, b: Date): Interval => ({ from: a.getTime(), until: b.getTime() });
  return availableSlots({
    timeZone: q.timeZone,
    fromDate: q.fromDate,
    toDate: q.toDate,
    now: q.now.getTime(),
    minNoticeMinutes: q.ignoreNotice ? 0 : rules.min_notice_minutes,
    maxAdvanceDays: rules.max_advance_days,
    slotIntervalMinutes: rules.slot_interval_minutes,
    durationMinutes: q.treatment.duration_minutes,
    bufferBeforeMinutes: q.treatment.buffer_before_minutes,
    bufferAfterMinutes: q.treatment.buffer_after_minutes,
    staff: staffIds.map((staffUserId) => ({
      staffUserId,
      weeklyHours: hours
        .filter((h) => h.staff_user_id === staffUserId)
        .map((h) => ({ weekday: h.weekday, start: h.start_time, end: h.end_time })),
      extraShifts: exceptions
        .filter((e) => e.staff_user_id === staffUserId && e.kind === 'extra_shift')
        .map((e) => interval(e.starts_at, e.ends_at)),
      leave: exceptions
        .filter((e) => e.staff_user_id === staffUserId && e.kind === 'leave')
        .map((e) => interval(e.starts_at, e.ends_at)),
      busy: busy.filter((b) => b.staff_user_id === staffUserId).map((b) => interval(b.blocked_from, b.blocked_until)),
    })),
    rooms: rooms.map((r) => ({
      roomId: r.id,
      busy: busy.filter((b) => b.room_id === r.id).map((b) => interval(b.blocked_from, b.blocked_until)),
    })),
  });
}

/** The clinic-local date of an instant, for looking up the slots of that day. */
export function localDate(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate()!;
}
