import { z } from 'zod';
import { APPOINTMENT_STATUSES } from './appointment-moves.ts';
import type { CalendarRow } from './appointment-repo.ts';

const Instant = z.iso.datetime({ offset: true });
const LocalDate = z.iso.date();

export const SlotQuery = z.object({
  treatmentId: z.uuid(),
  fromDate: LocalDate,
  toDate: LocalDate,
  staffUserId: z.uuid().optional(),
});
export const Slot = z
  .object({ startsAt: z.iso.datetime(), endsAt: z.iso.datetime(), staffUserIds: z.array(z.uuid()), roomIds: z.array(z.uuid()) })
  .meta({ id: 'Slot' });

export const BookingBody = z
  .object({
    treatmentId: z.uuid(),
    startsAt: Instant,
    staffUserId: z.uuid().optional(),
    customerId: z.uuid().optional().meta({ description: 'Staff only: the customer booked for' }),
    newCustomer: z
      .object({
        fullName: z.string().trim().min(1).max(200),
        phone: z
          .string()
          .trim()
          .regex(/^\+?[0-9 ()-]{6,20}$/)
          .optional(),
        email: z.email().max(254).optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'Staff only: create the customer record of a walk-in or phone booking' }),
    notes: z.string().max(2000).optional(),
  })
  .strict()
  .refine((b) => !(b.customerId && b.newCustomer), {
    message: 'give customerId or newCustomer, not both',
    path: ['newCustomer'],
  });

export const CalendarQuery = z.object({
  from: Instant,
  until: Instant,
  staffUserId: z.uuid().optional(),
  roomId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  status: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const list = v.split(',');
      const bad = list.filter((s) => !(APPOINTMENT_STATUSES as readonly string[]).includes(s));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown status ${bad.join(', ')}` });
      return list as (typeof APPOINTMENT_STATUSES)[number][];
    }),
});

export const CancelBody = z
  .object({
    reason: z.string().max(500).optional(),
    acceptFeeSatang: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'The fee shown by the cancellation quote, to accept it' }),
    waiveFee: z.boolean().optional().meta({ description: 'Owner or admin only' }),
  })
  .strict();
export const RescheduleBody = z.object({ startsAt: Instant, staffUserId: z.uuid().optional() }).strict();
export const TransitionBody = z.object({ status: z.enum(['confirmed', 'in_progress', 'completed', 'no_show']) }).strict();
export const CancellationQuote = z.object({
  feeSatang: z.number().int(),
  feePercent: z.number().int(),
  hoursBeforeStart: z.number(),
  canReschedule: z.boolean(),
});

export const Appointment = z
  .object({
    id: z.uuid(),
    status: z.enum(APPOINTMENT_STATUSES),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    customer: z.object({ id: z.uuid(), fullName: z.string(), phone: z.string().nullable() }),
    staff: z.object({ id: z.uuid(), fullName: z.string() }),
    room: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    treatment: z.object({
      id: z.uuid(),
      name: z.object({ en: z.string().nullable(), th: z.string().nullable(), zh: z.string().nullable() }),
    }),
    priceSatang: z.number().int(),
    notes: z.string(),
    cancellationFeeSatang: z.number().int().nullable(),
    cancellationReason: z.string().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Appointment' });

export function toAppointment(r: CalendarRow, { forCustomer = false } = {}): z.infer<typeof Appointment> {
  return {
    id: r.id,
    status: r.status,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    customer: { id: r.customer_id, fullName: r.customer_name, phone: r.customer_phone },
    staff: { id: r.staff_user_id, fullName: r.staff_name },
    room: r.room_id ? { id: r.room_id, name: r.room_name! } : null,
    treatment: { id: r.treatment_id, name: { en: r.treatment_name_en, th: r.treatment_name_th, zh: r.treatment_name_zh } },
    priceSatang: Number(r.price_satang),
    // Staff notes are internal to the clinic.
    notes: forCustomer ? '' : r.notes,
    cancellationFeeSatang: r.cancellation_fee_satang === null ? null : Number(r.cancellation_fee_satang),
    cancellationReason: r.cancellation_reason,
    cancelledAt: r.cancelled_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}
