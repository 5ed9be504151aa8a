import { z } from 'zod';
import { ClinicIdentity, clinicIdentityOf } from '../clinics/clinic-schemas.ts';
import { PageQuery } from '../http/pagination.ts';
import type { ClinicPerformanceRow, PlatformPerformanceRow } from './clinic-analytics-repo.ts';
import { CLINIC_METRICS, SORT_ORDERS } from './clinic-metric-vocabulary.ts';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
// A year and a day: any yearly review, never a scan of every appointment ever kept.
const MAX_DAYS = 366;

const Day = z.iso.date();

/**
 * Both ends are included, and each clinic's figures are of its own local days (a clinic in Bangkok and
 * one in Hong Kong each count their own 1 March). A period is either two dates or the last `days` days,
 * which end on the clinic's own local today: ending them on UTC's would leave out a Bangkok clinic's
 * today from 17:00 UTC on. The period is checked here so a bad one is a 400 naming the field.
 */
export const PeriodFields = z.object({
  from: Day.optional().meta({ description: "First day (the clinic's local day, included); given with `to`." }),
  to: Day.optional().meta({
    description: `Last day (the clinic's local day, included); given with \`from\`, at most ${MAX_DAYS} days from it.`,
  }),
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_DAYS)
    .optional()
    .meta({
      description: `Instead of \`from\` and \`to\`: the last this many days, the clinic's local today included (default ${DEFAULT_DAYS}).`,
    }),
});

/** The period that `PeriodFields` describe, or an issue on the field at fault (then z.NEVER). */
export function periodOfFields(
  { from, to, days }: z.output<typeof PeriodFields>,
  ctx: z.RefinementCtx,
): AnalyticsPeriod | typeof z.NEVER {
  if (days !== undefined && (from || to)) {
    ctx.addIssue({ code: 'custom', path: ['days'], message: 'give either days or from and to' });
    return z.NEVER;
  }
  if (!from !== !to) {
    ctx.addIssue({ code: 'custom', path: [from ? 'to' : 'from'], message: 'from and to go together' });
    return z.NEVER;
  }
  if (!from || !to) return { days: days ?? DEFAULT_DAYS };
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (span < 1 || span > MAX_DAYS) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: span < 1 ? 'must be on or before to' : `the period spans at most ${MAX_DAYS} days, both ends included`,
    });
    return z.NEVER;
  }
  return { from, to };
}

/** Every clinic's figures over one period: the same two dates for all, or each clinic's own last `days`. */
export const ClinicAnalyticsQuery = PageQuery.extend({
  ...PeriodFields.shape,
  sort: z.enum(CLINIC_METRICS).default('revenue'),
  order: z.enum(SORT_ORDERS).default('desc'),
}).transform(({ from, to, days, ...q }, ctx) => ({ ...q, period: periodOfFields({ from, to, days }, ctx) }));
export type AnalyticsPeriod = { from: string; to: string } | { days: number };
export type ClinicAnalyticsQuery = z.output<typeof ClinicAnalyticsQuery>;

const Count = z.number().int();

const Figures = z.object({
  activeStaff: Count.meta({ description: 'Staff accounts not disabled (they take seats of the plan), now.' }),
  customers: z.object({ total: Count.meta({ description: 'Now.' }), new: Count.meta({ description: 'Added in the period.' }) }),
  appointments: z.object({
    total: Count.meta({ description: 'Starting in the period, in any state.' }),
    completed: Count,
    cancelled: Count,
    noShow: Count,
    noShowRate: z.number().nullable().meta({
      description:
        'noShow / (completed + noShow): of the appointments that were due, the share nobody came to; null when none was due.',
    }),
  }),
  revenueSatang: Count.meta({ description: 'Prices of the completed appointments, as booked, in satang.' }),
  analysesCompleted: Count.meta({ description: 'Skin analyses that finished in the period.' }),
});

export const ClinicPerformance = z
  .object({
    ...ClinicIdentity.shape,
    ...Figures.shape,
    lastActivityAt: z.iso.datetime().nullable().meta({
      description: 'The latest staff sign-in, appointment booked or changed, customer added or skin analysis requested.',
    }),
  })
  .meta({ id: 'ClinicPerformance' });

export const PlatformPerformance = z.object({ clinics: Count, ...Figures.shape }).meta({ id: 'PlatformPerformance' });

export const ClinicAnalyticsPage = z
  .object({
    period: z
      .object({ days: Count, from: Day.nullable(), to: Day.nullable() })
      .meta({ description: "from and to null: the last `days` days, each ending on the clinic's own local today." }),
    computedAt: z.iso
      .datetime()
      .meta({ description: 'When these figures were read; a cached answer keeps the time it was computed.' }),
    totals: PlatformPerformance,
    items: z.array(ClinicPerformance),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ClinicAnalyticsPage' });
export type ClinicAnalyticsPage = z.infer<typeof ClinicAnalyticsPage>;

function figuresOf(row: Omit<PlatformPerformanceRow, 'clinics' | 'computed_at'>): z.infer<typeof Figures> {
  return {
    activeStaff: row.active_staff,
    customers: { total: row.customers, new: row.new_customers },
    appointments: {
      total: row.appointments,
      completed: row.completed,
      cancelled: row.cancelled,
      noShow: row.no_shows,
      noShowRate: row.no_show_rate === null ? null : Number(row.no_show_rate),
    },
    revenueSatang: Number(row.revenue_satang),
    analysesCompleted: row.analyses_completed,
  };
}

export function toClinicPerformance(row: ClinicPerformanceRow): z.infer<typeof ClinicPerformance> {
  return {
    ...clinicIdentityOf(row),
    ...figuresOf(row),
    lastActivityAt: row.last_activity_at?.toISOString() ?? null,
  };
}

export function toPlatformPerformance(row: PlatformPerformanceRow): z.infer<typeof PlatformPerformance> {
  return { clinics: row.clinics, ...figuresOf(row) };
}
