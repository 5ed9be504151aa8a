import type { ClinicStatusKey, TierKey } from '../clinics/clinic-vocabulary.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { ClinicMetric, SortOrder } from './clinic-metric-vocabulary.ts';

// Every value numeric, so one keyset condition serves every metric; the epoch keeps microseconds.
const SORT_VALUE: Record<ClinicMetric, string> = {
  revenue: 'revenue_satang',
  appointments: 'appointments',
  completed: 'completed',
  cancelled: 'cancelled',
  noShows: 'no_shows',
  noShowRate: 'no_show_rate',
  activeStaff: 'active_staff',
  customers: 'customers',
  newCustomers: 'new_customers',
  analyses: 'analyses_completed',
  lastActivity: 'extract(epoch FROM last_activity_at)',
};

export interface PerformanceQuery {
  /**
   * Each clinic's own local days, both ends included: the same two dates (YYYY-MM-DD) for every clinic,
   * or the last `days` days up to each clinic's local today at `now`.
   */
  period: { from: string; to: string } | { days: number; now: Date };
  sort: ClinicMetric;
  order: SortOrder;
  /** The last row of the previous page: its sort value (numeric text; null when it had none) and id. */
  after: { value: string | null; id: string } | null;
  limit: number;
}

interface Figures {
  active_staff: number;
  customers: number;
  new_customers: number;
  appointments: number;
  completed: number;
  cancelled: number;
  no_shows: number;
  /** numeric, 4 places; null when no appointment was due (completed + no-shows = 0). */
  no_show_rate: string | null;
  /** bigint as text. */
  revenue_satang: string;
  analyses_completed: number;
}

export interface ClinicPerformanceRow extends Figures {
  id: string;
  slug: string;
  name: string;
  tier: TierKey;
  status: ClinicStatusKey;
  last_activity_at: Date | null;
  /** What the page is ordered by, for the next page's cursor. */
  sort_value: string | null;
}

export interface PlatformPerformanceRow extends Figures {
  clinics: number;
  /** When the figures were read: the start of the reading transaction. */
  computed_at: Date;
}

const COUNTS = [
  'active_staff',
  'customers',
  'new_customers',
  'appointments',
  'completed',
  'cancelled',
  'no_shows',
  'analyses_completed',
] as const;
const PAGE_COLUMNS = [
  'id',
  'slug',
  'name',
  'tier',
  'status',
  ...COUNTS,
  'revenue_satang',
  'no_show_rate',
  'last_activity_at',
  'sort_value',
] as const satisfies readonly (keyof ClinicPerformanceRow)[];

/**
 * Every clinic's figures for a period in one statement, then one page of them in the asked order, and
 * the platform's totals, read from the figures the writes keep (migration 0018), never from the
 * appointments, customers, staff or analyses themselves:
 * - a period's figure is the clinic's running total at its last day minus the one of the day before
 *   its first: two scans of clinic_running_totals (day, clinic_id), a row per clinic each, whatever the
 *   period's length (a clinic has a row for every day from its first figure to its last);
 * - staff, customers and the latest activity are one row per clinic in clinic_current_figures.
 * Every source is at most one row per clinic, so nothing fans out. Ordered by the metric, nulls last
 * either way, then id, so a page boundary never skips or repeats.
 */
export async function clinicPerformance(
  tx: Tx,
  q: PerformanceQuery,
): Promise<{ totals: PlatformPerformanceRow; clinics: ClinicPerformanceRow[] }> {
  const direction = q.order === 'desc' ? 'DESC' : 'ASC';
  const beyond = q.order === 'desc' ? '<' : '>';
  const rate = (no: string, done: string) => `round(${no}::numeric / nullif(${done} + ${no}, 0), 4)`;
  // A day after the clinic's last running total has its totals at the last; one before its first, zero.
  const at = (row: string, day: string, figure: string) =>
    `CASE WHEN ${day} >= f.last_day THEN f.${figure} ELSE coalesce(${row}.${figure}, 0) END`;
  const inPeriod = (figure: string) => `${at('upto', 'd.period_to', figure)} - ${at('before', '(d.period_from - 1)', figure)}`;
  const { rows } = await tx.query<
    ClinicPerformanceRow & { totals: (Omit<PlatformPerformanceRow, 'computed_at'> & { computed_at: string }) | null }
  >(
    `WITH per_clinic AS (
       SELECT c.id, c.slug, c.name, c.tier, c.status, f.active_staff, f.customers,
              (${inPeriod('new_customers')})::int AS new_customers, (${inPeriod('appointments')})::int AS appointments,
              (${inPeriod('completed')})::int AS completed, (${inPeriod('cancelled')})::int AS cancelled,
              (${inPeriod('no_shows')})::int AS no_shows, (${inPeriod('revenue_satang')})::bigint AS revenue_satang,
              (${inPeriod('analyses_completed')})::int AS analyses_completed,
              greatest(f.last_staff_sign_in_at, f.last_customer_added_at, f.last_appointment_change_at, f.last_analysis_requested_at)
                AS last_activity_at
       FROM clinics c
       -- Given dates, or the last $8 days up to the clinic's own date at $7.
       CROSS JOIN LATERAL (SELECT coalesce($2::date, ($7::timestamptz AT TIME ZONE c.time_zone)::date) AS period_to) l
       CROSS JOIN LATERAL (SELECT coalesce($1::date, l.period_to - ($8::int - 1)) AS period_from, l.period_to) d
       JOIN clinic_current_figures f ON f.clinic_id = c.id
       LEFT JOIN clinic_running_totals upto ON upto.clinic_id = c.id AND upto.day = d.period_to
       LEFT JOIN clinic_running_totals before ON before.clinic_id = c.id AND before.day = d.period_from - 1
     ),
     totals AS (
       SELECT count(*)::int AS clinics, ${COUNTS.map((c) => `coalesce(sum(${c}), 0)::int AS ${c}`).join(', ')},
              ${rate('sum(no_shows)', 'sum(completed)')} AS no_show_rate, coalesce(sum(revenue_satang), 0)::bigint AS revenue_satang,
              now() AS computed_at
       FROM per_clinic
     ),
     ranked AS (
       SELECT r.*, (${SORT_VALUE[q.sort]})::numeric AS sort_value
       FROM (SELECT p.*, ${rate('p.no_shows', 'p.completed')} AS no_show_rate FROM per_clinic p) r
     ),
     page AS (
       SELECT *, row_number() OVER (ORDER BY sort_value ${direction} NULLS LAST, id) AS position FROM ranked
       WHERE NOT $3::boolean
          OR CASE WHEN $4::numeric IS NULL THEN sort_value IS NULL AND id > $5::uuid
                  ELSE sort_value IS NULL OR sort_value ${beyond} $4::numeric OR (sort_value = $4::numeric AND id > $5::uuid) END
       ORDER BY sort_value ${direction} NULLS LAST, id
       LIMIT $6
     )
     SELECT CASE WHEN p.position IS NULL OR p.position = 1 THEN
              json_build_object(${COUNTS.map((c) => `'${c}', t.${c}`).join(', ')}, 'clinics', t.clinics,
                                'no_show_rate', t.no_show_rate::text, 'revenue_satang', t.revenue_satang::text, 'computed_at', t.computed_at)
            END AS totals,
            ${PAGE_COLUMNS.map((c) => `p.${c}`).join(', ')}
     FROM totals t LEFT JOIN page p ON true
     ORDER BY p.position`,
    [
      'from' in q.period ? q.period.from : null,
      'from' in q.period ? q.period.to : null,
      q.after !== null,
      q.after?.value ?? null,
      q.after?.id ?? null,
      q.limit,
      'now' in q.period ? q.period.now : null,
      'days' in q.period ? q.period.days : null,
    ],
  );
  // The totals come once, as one value on the first row: a page of all clinics would otherwise carry
  // and parse them a thousand times. An empty page still comes with them: one row whose page columns
  // are all null.
  const totals = rows[0]!.totals!;
  return {
    totals: { ...totals, computed_at: new Date(totals.computed_at) },
    clinics: rows.filter((r) => r.id !== null),
  };
}
