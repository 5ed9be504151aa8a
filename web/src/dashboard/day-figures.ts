import type { Appointment } from '../appointments/appointment-types.ts';

export interface DayFigures {
  /** Appointments still on the day: everything but cancellations. */
  appointments: number;
  completed: number;
  noShows: number;
  cancelled: number;
  /** Prices of the visits that hold their slot (scheduled to completed), in satang. */
  bookedRevenueSatang: number;
}

const HOLDS_SLOT = new Set<Appointment['status']>(['scheduled', 'confirmed', 'in_progress', 'completed']);

/** The day's figures from the listed rows, so they always agree with the table below them. */
export function dayFigures(rows: Appointment[]): DayFigures {
  const count = (status: Appointment['status']) => rows.filter((r) => r.status === status).length;
  return {
    appointments: rows.length - count('cancelled'),
    completed: count('completed'),
    noShows: count('no_show'),
    cancelled: count('cancelled'),
    bookedRevenueSatang: rows.filter((r) => HOLDS_SLOT.has(r.status)).reduce((sum, r) => sum + r.priceSatang, 0),
  };
}
