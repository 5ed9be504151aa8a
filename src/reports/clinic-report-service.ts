import type pg from 'pg';
import type { Readable } from 'node:stream';
import { clinicOf, withTenant, type Actor } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import {
  reportCalendar,
  returningCustomers,
  rolledUpFigures,
  staffBreakdown,
  treatmentBreakdown,
  type ReportSpan,
  type RolledUpRow,
  type StaffBreakdownRow,
  type TreatmentBreakdownRow,
  type VisitorRow,
} from './clinic-report-repo.ts';
import type { BreakdownFigures, ClinicReport, ClinicReportQuery, PeriodFigures, ReportTable } from './clinic-report-schemas.ts';
import { csvStream, type CsvCell } from './csv.ts';

const DAY_MS = 86_400_000;
const shiftDay = (day: string, days: number) => new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

function appointmentFigures(row: Omit<BreakdownRowFigures, 'customers'>) {
  return {
    bookings: row.appointments,
    completed: row.completed,
    cancelled: row.cancelled,
    noShows: row.no_shows,
    completionRate: ratio(row.completed, row.completed + row.cancelled + row.no_shows),
    noShowRate: ratio(row.no_shows, row.completed + row.no_shows),
    revenueSatang: Number(row.revenue_satang),
  };
}
type BreakdownRowFigures = Pick<
  StaffBreakdownRow,
  'appointments' | 'completed' | 'cancelled' | 'no_shows' | 'revenue_satang' | 'customers'
>;

function periodFigures(row: RolledUpRow | undefined, visitors: VisitorRow | undefined): PeriodFigures {
  const zero = {
    appointments: 0,
    completed: 0,
    cancelled: 0,
    no_shows: 0,
    revenue_satang: '0',
    analyses_completed: 0,
    new_customers: 0,
  };
  const r = row ?? zero;
  return {
    ...appointmentFigures(r),
    newCustomers: r.new_customers,
    returningCustomers: visitors?.returning_customers ?? 0,
    analysesCompleted: r.analyses_completed,
  };
}

const breakdownFigures = (row: BreakdownRowFigures): BreakdownFigures => ({
  ...appointmentFigures(row),
  customers: row.customers,
});

export function createClinicReportService(pool: pg.Pool, clock: () => Date = () => new Date()) {
  async function report(actor: Actor, query: ClinicReportQuery): Promise<ClinicReport & { slug: string }> {
    const clinicId = clinicOf(actor);
    return withTenant(
      pool,
      actor,
      async (tx) => {
        const calendar = await reportCalendar(tx, clinicId, clock());
        if (!calendar) throw notFound('clinic');
        const { from, to } =
          'days' in query.period ? { from: shiftDay(calendar.today, 1 - query.period.days), to: calendar.today } : query.period;
        const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
        const span: ReportSpan = {
          previousFrom: shiftDay(from, -days),
          from,
          to,
          groupBy: query.groupBy,
          timeZone: calendar.time_zone,
        };
        const [rolled, visitors, staff, treatments] = [
          await rolledUpFigures(tx, clinicId, span),
          await returningCustomers(tx, clinicId, span),
          await staffBreakdown(tx, clinicId, span),
          await treatmentBreakdown(tx, clinicId, span),
        ];
        const whole = (inPeriod: boolean) => (r: { in_period: boolean; bucket: string | null }) =>
          r.in_period === inPeriod && r.bucket === null;
        const buckets = rolled.filter((r) => r.bucket !== null);
        return {
          slug: calendar.slug,
          timeZone: calendar.time_zone,
          groupBy: query.groupBy,
          period: { from, to, days },
          previousPeriod: { from: span.previousFrom, to: shiftDay(from, -1) },
          summary: {
            current: periodFigures(rolled.find(whole(true)), visitors.find(whole(true))),
            previous: periodFigures(rolled.find(whole(false)), visitors.find(whole(false))),
          },
          series: buckets.map((row, i) => ({
            from: row.bucket!,
            to: i + 1 < buckets.length ? shiftDay(buckets[i + 1]!.bucket!, -1) : to,
            ...periodFigures(
              row,
              visitors.find((v) => v.bucket === row.bucket),
            ),
          })),
          staff: staff.map((row) => ({ staffId: row.staff_user_id, name: row.full_name, ...breakdownFigures(row) })),
          treatments: treatments.map((row: TreatmentBreakdownRow) => ({
            treatmentId: row.treatment_id,
            name: { en: row.name_en, th: row.name_th, zh: row.name_zh },
            ...breakdownFigures(row),
          })),
        };
      },
      { readOnly: true },
    );
  }

  return {
    /** The clinic's own figures for a period, against the period of equal length before it. */
    async report(actor: Actor, query: ClinicReportQuery): Promise<ClinicReport> {
      const { slug: _slug, ...figures } = await report(actor, query);
      return figures;
    },

    /**
     * One table of the report as CSV. The figures are read first and the transaction ends before the
     * first byte goes out, so a slow download never holds a database connection; the rows (at most a
     * year of days, or the clinic's staff or treatments) are then formatted one line at a time.
     */
    async csv(actor: Actor, query: ClinicReportQuery, table: ReportTable): Promise<{ filename: string; body: Readable }> {
      const r = await report(actor, query);
      const filename = `${r.slug}-${table}-${r.period.from}-to-${r.period.to}.csv`;
      return { filename, body: csvStream(...csvTable(r, table)) };
    },
  };
}

export type ClinicReportService = ReturnType<typeof createClinicReportService>;

const FIGURE_HEADER = ['bookings', 'completed', 'cancelled', 'no_shows', 'completion_rate', 'no_show_rate', 'revenue_thb'];
const figureCells = (f: BreakdownFigures | PeriodFigures): CsvCell[] => [
  f.bookings,
  f.completed,
  f.cancelled,
  f.noShows,
  f.completionRate,
  f.noShowRate,
  (f.revenueSatang / 100).toFixed(2),
];

/** Days are the clinic's local dates, as in the report; money in baht with two decimals. */
function csvTable(r: ClinicReport, table: ReportTable): [string[], CsvCell[][]] {
  switch (table) {
    case 'periods':
      return [
        ['from', 'to', ...FIGURE_HEADER, 'new_customers', 'returning_customers', 'analyses_completed'],
        r.series.map((s) => [s.from, s.to, ...figureCells(s), s.newCustomers, s.returningCustomers, s.analysesCompleted]),
      ];
    case 'staff':
      return [
        ['staff_id', 'staff_name', ...FIGURE_HEADER, 'customers'],
        r.staff.map((s) => [s.staffId, s.name, ...figureCells(s), s.customers]),
      ];
    case 'treatments':
      return [
        ['treatment_id', 'name_en', 'name_th', 'name_zh', ...FIGURE_HEADER, 'customers'],
        r.treatments.map((t) => [t.treatmentId, t.name.en, t.name.th, t.name.zh, ...figureCells(t), t.customers]),
      ];
  }
}
