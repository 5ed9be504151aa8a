import type { Appointment, AppointmentStatus, Slot } from './appointment-types.ts';

export type StaffMove = 'confirmed' | 'in_progress' | 'completed' | 'no_show';

// The API's state machine (src/appointments/appointment-states.ts) decides; this mirror only keeps
// the UI from offering a button that is bound to be refused. Cancelling has its own flow (the fee).
const STAFF_MOVES: Record<AppointmentStatus, StaffMove[]> = {
  scheduled: ['confirmed'],
  confirmed: ['in_progress', 'no_show'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

/** The status moves staff may make now; a no-show only once the start time has passed. */
export function staffMovesOf(appointment: Appointment, now: number): StaffMove[] {
  return STAFF_MOVES[appointment.status].filter((move) => move !== 'no_show' || Date.parse(appointment.startsAt) <= now);
}

/** Only appointments that have not begun can be cancelled or moved. */
export const isOpen = (appointment: Appointment) => appointment.status === 'scheduled' || appointment.status === 'confirmed';

/** Moving keeps the same practitioner when they are free at the new time. */
export const staffForMove = (slot: Slot, currentStaffId: string) => (slot.staffUserIds.includes(currentStaffId) ? currentStaffId : slot.staffUserIds[0]);

export const isSlotGone = (code: string | undefined) => code === 'slot-taken' || code === 'slot-unavailable';
