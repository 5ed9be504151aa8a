import { z } from 'zod';

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM');

export const WeeklyHours = z
  .array(
    z
      .object({
        weekday: z.number().int().min(1).max(7).meta({ description: 'ISO weekday, 1 = Monday' }),
        start: LocalTime,
        end: LocalTime,
      })
      .strict(),
  )
  .max(50)
  .superRefine((hours, ctx) => {
    hours.forEach((h, i) => {
      if (h.end <= h.start) ctx.addIssue({ code: 'custom', path: [i, 'end'], message: 'must be after start' });
      const clash = hours.findIndex((o, j) => j < i && o.weekday === h.weekday && o.start < h.end && h.start < o.end);
      if (clash >= 0) ctx.addIssue({ code: 'custom', path: [i], message: `overlaps entry ${clash} on the same weekday` });
    });
  });

export const NewException = z
  .object({
    kind: z.enum(['leave', 'extra_shift']),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    note: z.string().max(500).default(''),
  })
  .strict()
  .refine((e) => Date.parse(e.endsAt) > Date.parse(e.startsAt), { path: ['endsAt'], message: 'must be after startsAt' });

export const ScheduleException = z.object({
  id: z.uuid(),
  kind: z.enum(['leave', 'extra_shift']),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  note: z.string(),
});

export const StaffSchedule = z
  .object({
    staffUserId: z.uuid(),
    weeklyHours: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
    exceptions: z.array(ScheduleException),
    treatmentIds: z.array(z.uuid()),
  })
  .meta({ id: 'StaffSchedule' });

export const FeeTiers = z
  .array(
    z
      .object({
        hoursBefore: z
          .number()
          .min(0.5)
          .max(24 * 14),
        feePercent: z.number().int().min(0).max(100),
      })
      .strict(),
  )
  .max(10)
  .refine((tiers) => new Set(tiers.map((t) => t.hoursBefore)).size === tiers.length, 'each hoursBefore at most once');

export const BookingRules = z
  .object({
    minNoticeMinutes: z.number().int().min(0).max(10080),
    maxAdvanceDays: z.number().int().min(1).max(730),
    slotIntervalMinutes: z.union([z.literal(5), z.literal(10), z.literal(15), z.literal(20), z.literal(30), z.literal(60)]),
    cancellationFees: FeeTiers,
  })
  .strict()
  .meta({ id: 'BookingRules' });
