// The appointment state machine, free of server code so that the web app offers exactly the moves
// the API allows.

export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const TRANSITIONS: Record<AppointmentStatus, AppointmentStatus[]> = {
  scheduled: ['confirmed', 'cancelled'],
  confirmed: ['in_progress', 'cancelled', 'no_show'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

/** Where an appointment may go now: a no-show only once its start time has passed. */
export function movesFrom(from: AppointmentStatus, startsAt: Date, now: Date): AppointmentStatus[] {
  return TRANSITIONS[from].filter((to) => to !== 'no_show' || startsAt <= now);
}

/** Rescheduling keeps the appointment, so only states that have not begun can move in time. */
export const canReschedule = (status: AppointmentStatus) => status === 'scheduled' || status === 'confirmed';
