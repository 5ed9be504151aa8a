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
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Both ends are included, and each clinic's figures are of its own local days (a clinic in Bangkok and
 * one in Hong Kong each count their own 1 March); the default "today" is UTC's. The period is checked
 * here so a bad one is a 400 naming the field.
 */
export const ClinicAnalyticsQuery = PageQuery.extend({
  from: Day.optional().meta({
    description: `First day (each clinic's local day, included); defaults to ${DEFAULT_DAYS - 1} days before \`to\`.`,
  }),
  to: Day.optional().meta({
    description: `Last day (each clinic's local day, included); defaults to today in UTC. At most ${MAX_DAYS} days from \`from\`.`,
  }),
  sort: z.enum(CLINIC_METRICS).default('revenue'),
  order: z.enum(SORT_ORDERS).default('desc'),
}).transform((q, ctx) => {
  const to = q.to ?? dayOf(Date.now());
  const from = q.from ?? dayOf(Date.parse(to) - (DEFAULT_DAYS - 1) * DAY_MS);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1 || days > MAX_DAYS) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: days < 1 ? 'must be on or before to' : `the period spans at most ${MAX_DAYS} days, both ends included`,
    });
    return z.NEVER;
  }
  return { ...q, from, to };
});
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
    period: z.object({ from: Day, to: Day }),
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
