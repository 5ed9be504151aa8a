import { canReschedule, movesFrom, type AppointmentStatus } from '../../../src/appointments/appointment-moves.ts';
import type { Appointment, Slot } from './appointment-types.ts';

export type StaffMove = Exclude<AppointmentStatus, 'scheduled' | 'cancelled'>;

/** The status moves staff may make now, from the API's own state machine; cancelling has its own flow (the fee). */
export function staffMovesOf(appointment: Appointment, now: number): StaffMove[] {
  return movesFrom(appointment.status, new Date(appointment.startsAt), new Date(now)).filter(
    (to): to is StaffMove => to !== 'cancelled' && to !== 'scheduled',
  );
}

/** Only appointments that have not begun can be cancelled or moved. */
export const isOpen = (appointment: Appointment) => canReschedule(appointment.status);

/** Moving keeps the same practitioner when they are free at the new time. */
export const staffForMove = (slot: Slot, currentStaffId: string) =>
  slot.staffUserIds.includes(currentStaffId) ? currentStaffId : slot.staffUserIds[0];

export const isSlotGone = (code: string | undefined) => code === 'slot-taken' || code === 'slot-unavailable';
