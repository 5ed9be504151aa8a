import type { z } from 'zod';
import type {
  Appointment as AppointmentSchema,
  CancellationQuote as QuoteSchema,
  Slot as SlotSchema,
} from '../../../src/appointments/appointment-schemas.ts';
import type { BookingRules as BookingRulesSchema } from '../../../src/schedules/schedule-schemas.ts';
import type { Treatment as TreatmentSchema } from '../../../src/treatments/treatment-schemas.ts';

export type Appointment = z.output<typeof AppointmentSchema>;
export type AppointmentStatus = Appointment['status'];
export type Slot = z.output<typeof SlotSchema>;
export type CancellationQuote = z.output<typeof QuoteSchema>;
export type BookingRules = z.output<typeof BookingRulesSchema>;
export type Treatment = z.output<typeof TreatmentSchema>;
