import type { Tx } from '../db/tenant-transaction.ts';
import type { ReportGrouping } from './clinic-report-vocabulary.ts';

/** Two runs of the clinic's local days, both ends included: the period and the one of equal length before it. */
export interface ReportSpan {
  previousFrom: string;
  from: string;
  to: string;
  groupBy: ReportGrouping;
  /**
   * The clinic's, passed in rather than joined: the local days' bounds are then computed once from
   * parameters, and serve as the range of appointments (clinic_id, starts_at).
   */
  timeZone: string;
}

export interface ReportCalendar {
  slug: string;
  time_zone: string;
  /** The clinic's local date at the asked instant (YYYY-MM-DD). */
  today: string;
}

export async function reportCalendar(tx: Tx, clinicId: string, now: Date): Promise<ReportCalendar | undefined> {
  const { rows } = await tx.query<ReportCalendar>(
    `SELECT slug, time_zone, to_char(($2::timestamptz AT TIME ZONE time_zone)::date, 'YYYY-MM-DD') AS today
     FROM clinics WHERE id = $1`,
    [clinicId, now],
  );
  return rows[0];
}

const ROLLED_UP = [
  'appointments',
  'completed',
  'cancelled',
  'no_shows',
  'revenue_satang',
  'analyses_completed',
  'new_customers',
] as const;

export interface RolledUpRow {
  in_period: boolean;
  /** The bucket's first day inside the period; null on the two rows of whole periods. */
  bucket: string | null;
  appointments: number;
  completed: number;
  cancelled: number;
  no_shows: number;
  /** bigint as text. */
  revenue_satang: string;
  analyses_completed: number;
  new_customers: number;
}

/**
 * The figures the writes keep per clinic and local day (migration 0018), the same ones the platform's
 * analytics read, for each bucket of the period and for both whole periods. A day's figure is its
 * running total minus the one of the day before: the totals are one row per clinic and day, read by
 * one range of their primary key (clinic_id, day), and every day becomes one row, so summing days into
 * buckets counts nothing twice. Days after the clinic's last running total hold the totals at it;
 * days before its first, zero.
 */
export async function rolledUpFigures(tx: Tx, clinicId: string, span: ReportSpan): Promise<RolledUpRow[]> {
  const total = (figure: string) =>
    `CASE WHEN g.day >= f.last_day THEN f.${figure} ELSE coalesce(r.${figure}, 0) END AS ${figure}`;
  const { rows } = await tx.query<RolledUpRow>(
    `WITH totals AS (
       SELECT g.day, ${ROLLED_UP.map(total).join(', ')}
       FROM clinic_current_figures f
       CROSS JOIN LATERAL (SELECT d::date AS day FROM generate_series($2::date - 1, $4::date, interval '1 day') d) g
       LEFT JOIN clinic_running_totals r ON r.clinic_id = $1 AND r.day = g.day AND r.day BETWEEN $2::date - 1 AND $4::date
       WHERE f.clinic_id = $1
     ),
     daily AS (
       SELECT day >= $3::date AS in_period,
              CASE WHEN day >= $3::date THEN to_char(greatest(date_trunc($5, day::timestamp)::date, $3::date), 'YYYY-MM-DD') END AS bucket,
              day, ${ROLLED_UP.map((c) => `${c} - lag(${c}) OVER (ORDER BY day) AS ${c}`).join(', ')}
       FROM totals
     )
     SELECT in_period, CASE WHEN GROUPING(bucket) = 0 THEN bucket END AS bucket,
            ${ROLLED_UP.map((c) => `sum(${c})::${c === 'revenue_satang' ? 'bigint' : 'int'} AS ${c}`).join(', ')}
     FROM daily
     WHERE day >= $2::date
     GROUP BY GROUPING SETS ((in_period), (in_period, bucket))
     -- Buckets are of the period only: the previous period is compared as a whole.
     HAVING GROUPING(bucket) = 1 OR in_period
     ORDER BY in_period, bucket NULLS FIRST`,
    [clinicId, span.previousFrom, span.from, span.to, span.groupBy],
  );
  return rows;
}

export interface VisitorRow {
  in_period: boolean;
  bucket: string | null;
  /** Customers added before the bucket (or, on a whole period's row, the period) who completed a visit in it. */
  returning_customers: number;
}

/**
 * Returning customers: the rollups count customers added, not who came back, so these are read from
 * the completed appointments of both periods through appointments (clinic_id, starts_at), each joined
 * to its one customer by primary key: one row per visit, and customers counted DISTINCT, so a customer
 * who came twice counts once per bucket and once per period.
 */
export async function returningCustomers(tx: Tx, clinicId: string, span: ReportSpan): Promise<VisitorRow[]> {
  const { rows } = await tx.query<VisitorRow>(
    `WITH visits AS (
       SELECT a.customer_id, v.day, v.day >= $3::date AS in_period,
              CASE WHEN v.day >= $3::date THEN greatest(date_trunc($5, v.day::timestamp)::date, $3::date) END AS bucket_start,
              (cu.created_at AT TIME ZONE $6)::date AS customer_since
       FROM appointments a
       JOIN customers cu ON cu.clinic_id = a.clinic_id AND cu.id = a.customer_id
       CROSS JOIN LATERAL (SELECT (a.starts_at AT TIME ZONE $6)::date AS day) v
       WHERE a.clinic_id = $1 AND a.status = 'completed'
         AND a.starts_at >= $2::date::timestamp AT TIME ZONE $6
         AND a.starts_at < ($4::date + 1)::timestamp AT TIME ZONE $6
     )
     SELECT in_period, CASE WHEN GROUPING(bucket_start) = 0 THEN to_char(bucket_start, 'YYYY-MM-DD') END AS bucket,
            CASE WHEN GROUPING(bucket_start) = 0
                 THEN count(DISTINCT customer_id) FILTER (WHERE customer_since < bucket_start)
                 ELSE count(DISTINCT customer_id) FILTER (WHERE customer_since < CASE WHEN in_period THEN $3::date ELSE $2::date END)
            END::int AS returning_customers
     FROM visits
     GROUP BY GROUPING SETS ((in_period), (in_period, bucket_start))
     HAVING GROUPING(bucket_start) = 1 OR in_period`,
    [clinicId, span.previousFrom, span.from, span.to, span.groupBy, span.timeZone],
  );
  return rows;
}

interface BreakdownFigures {
  appointments: number;
  completed: number;
  cancelled: number;
  no_shows: number;
  /** bigint as text. */
  revenue_satang: string;
  customers: number;
}

export interface StaffBreakdownRow extends BreakdownFigures {
  staff_user_id: string;
  full_name: string;
}

export interface TreatmentBreakdownRow extends BreakdownFigures {
  treatment_id: string;
  name_en: string | null;
  name_th: string | null;
  name_zh: string | null;
}

/**
 * The period's appointments grouped by one of their columns: one range of appointments
 * (clinic_id, starts_at), each appointment in exactly one group. The names are joined after grouping,
 * one row per group by primary key, so a name never multiplies an appointment.
 */
function groupedAppointments(groupColumn: 'staff_user_id' | 'treatment_id'): string {
  return `SELECT a.${groupColumn} AS id, count(*)::int AS appointments,
                 count(*) FILTER (WHERE a.status = 'completed')::int AS completed,
                 count(*) FILTER (WHERE a.status = 'cancelled')::int AS cancelled,
                 count(*) FILTER (WHERE a.status = 'no_show')::int AS no_shows,
                 coalesce(sum(a.price_satang) FILTER (WHERE a.status = 'completed'), 0)::bigint AS revenue_satang,
                 count(DISTINCT a.customer_id)::int AS customers
          FROM appointments a
          WHERE a.clinic_id = $1
            AND a.starts_at >= $2::date::timestamp AT TIME ZONE $4
            AND a.starts_at < ($3::date + 1)::timestamp AT TIME ZONE $4
          GROUP BY a.${groupColumn}`;
}

const FIGURE_COLUMNS = 'g.appointments, g.completed, g.cancelled, g.no_shows, g.revenue_satang::text, g.customers';

export async function staffBreakdown(tx: Tx, clinicId: string, { from, to, timeZone }: ReportSpan): Promise<StaffBreakdownRow[]> {
  const { rows } = await tx.query<StaffBreakdownRow>(
    `SELECT g.id AS staff_user_id, u.full_name, ${FIGURE_COLUMNS}
     FROM (${groupedAppointments('staff_user_id')}) g JOIN users u ON u.clinic_id = $1 AND u.id = g.id
     ORDER BY g.revenue_satang DESC, g.appointments DESC, u.full_name, g.id`,
    [clinicId, from, to, timeZone],
  );
  return rows;
}

export async function treatmentBreakdown(
  tx: Tx,
  clinicId: string,
  { from, to, timeZone }: ReportSpan,
): Promise<TreatmentBreakdownRow[]> {
  const { rows } = await tx.query<TreatmentBreakdownRow>(
    `SELECT g.id AS treatment_id, t.name_en, t.name_th, t.name_zh, ${FIGURE_COLUMNS}
     FROM (${groupedAppointments('treatment_id')}) g JOIN treatments t ON t.clinic_id = $1 AND t.id = g.id
     ORDER BY g.revenue_satang DESC, g.appointments DESC, g.id`,
    [clinicId, from, to, timeZone],
  );
  return rows;
}
