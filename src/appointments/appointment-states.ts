import type { Role } from '../users/role-vocabulary.ts';
import { AppError } from '../errors/app-error.ts';
import { canReschedule, movesFrom, TRANSITIONS, type AppointmentStatus } from './appointment-moves.ts';

/** Statuses that still hold the slot (the exclusion constraint ignores the others). */
export const ACTIVE_STATUSES: AppointmentStatus[] = ['scheduled', 'confirmed', 'in_progress', 'completed'];

/**
 * Refuses a move the state machine does not allow, naming the current state, and moves a customer
 * may not make: customers only cancel (their own; ownership is checked by the caller's query).
 */
export function assertTransition(from: AppointmentStatus, to: AppointmentStatus, role: Role, startsAt: Date, now: Date): void {
  if (role === 'customer' && to !== 'cancelled') {
    throw new AppError('forbidden', 'Customers can only cancel or reschedule their own appointments.');
  }
  if (!TRANSITIONS[from].includes(to)) {
    throw new AppError('invalid-transition', `An appointment that is ${from} cannot become ${to}.`, {
      currentStatus: from,
      allowed: TRANSITIONS[from],
    });
  }
  if (!movesFrom(from, startsAt, now).includes(to)) {
    throw new AppError('invalid-transition', 'A no-show can only be recorded after the start time.', {
      currentStatus: from,
      allowed: TRANSITIONS[from],
    });
  }
}

export function assertReschedulable(status: AppointmentStatus): void {
  if (!canReschedule(status)) {
    throw new AppError('invalid-transition', `An appointment that is ${status} cannot be rescheduled.`, {
      currentStatus: status,
      allowed: TRANSITIONS[status],
    });
  }
}
