import { z } from 'zod';
import { PeriodFields, periodOfFields } from '../analytics/clinic-analytics-schemas.ts';
import { REPORT_GROUPINGS } from './clinic-report-vocabulary.ts';

export type { ReportGrouping, ReportTable } from './clinic-report-vocabulary.ts';

export const ClinicReportQuery = PeriodFields.extend({
  groupBy: z.enum(REPORT_GROUPINGS).default('day').meta({
    description: 'The chart and summary rows: per local day, per week (Monday first) or per calendar month, cut at the period.',
  }),
}).transform(({ from, to, days, groupBy }, ctx) => ({ groupBy, period: periodOfFields({ from, to, days }, ctx) }));
export type ClinicReportQuery = z.output<typeof ClinicReportQuery>;

const Count = z.number().int();
const Day = z.iso.date();
const Rate = z.number().nullable();

const AppointmentFigures = z.object({
  bookings: Count.meta({ description: 'Appointments starting in the period, in any state.' }),
  completed: Count,
  cancelled: Count,
  noShows: Count,
  completionRate: Rate.meta({
    description:
      'completed / (completed + cancelled + noShows): of the bookings settled, the share that took place; null when none was.',
  }),
  noShowRate: Rate.meta({
    description: 'noShows / (completed + noShows), as in the platform analytics; null when none was due.',
  }),
  revenueSatang: Count.meta({ description: 'Prices of the completed appointments, as booked, in satang (THB × 100).' }),
});

const PeriodFigures = AppointmentFigures.extend({
  newCustomers: Count.meta({ description: 'Customers added in the period.' }),
  returningCustomers: Count.meta({
    description: 'Customers added before the period (or the row of the chart) who completed a visit in it.',
  }),
  analysesCompleted: Count.meta({ description: 'Skin analyses that finished in the period.' }),
});
export type PeriodFigures = z.infer<typeof PeriodFigures>;

const BreakdownFigures = AppointmentFigures.extend({
  customers: Count.meta({ description: 'Different customers booked.' }),
});
export type BreakdownFigures = z.infer<typeof BreakdownFigures>;

const Span = z.object({ from: Day, to: Day });

export const StaffFigures = BreakdownFigures.extend({ staffId: z.uuid(), name: z.string() });
export const TreatmentFigures = BreakdownFigures.extend({
  treatmentId: z.uuid(),
  name: z.object({ en: z.string().nullable(), th: z.string().nullable(), zh: z.string().nullable() }),
});

export const ClinicReport = z
  .object({
    timeZone: z.string().meta({ description: "The clinic's time zone: every day here is one of its local days." }),
    groupBy: z.enum(REPORT_GROUPINGS),
    period: Span.extend({ days: Count }),
    previousPeriod: Span.meta({ description: 'The days of equal number just before the period.' }),
    summary: z.object({ current: PeriodFigures, previous: PeriodFigures }),
    series: z.array(Span.extend(PeriodFigures.shape)).meta({ description: 'The period cut by groupBy, every row present.' }),
    staff: z.array(StaffFigures).meta({ description: 'Per staff member with an appointment in the period.' }),
    treatments: z.array(TreatmentFigures).meta({ description: 'Per treatment booked in the period.' }),
  })
  .meta({ id: 'ClinicReport' });
export type ClinicReport = z.infer<typeof ClinicReport>;
