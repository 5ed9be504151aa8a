import type { ClinicPerformanceRow } from '../../src/analytics/clinic-analytics-repo.ts';
import type { Tx } from '../../src/db/tenant-transaction.ts';
import { STAFF_ROLES } from '../../src/users/role-vocabulary.ts';

/** One clinic's figures as the rollups must give them; the rate is derived and left out. */
export type LiveFigures = Pick<
  ClinicPerformanceRow,
  | 'active_staff'
  | 'customers'
  | 'new_customers'
  | 'appointments'
  | 'completed'
  | 'cancelled'
  | 'no_shows'
  | 'revenue_satang'
  | 'analyses_completed'
  | 'last_activity_at'
>;

/**
 * Every clinic's figures for a period of clinic-local days, computed from the rows themselves: the
 * statement the analytics ran before the rollups, kept as the reference the rollups are checked
 * against (tests) and timed against (bench). Each table is reduced to one row per clinic before any
 * join, so nothing fans out. A clinic's period is [its local midnight of `from`, its local midnight
 * after `to`), so a day is as long as the clinic's clock says (23 or 25 hours across a DST change).
 */
export async function liveClinicFigures(tx: Tx, period: { from: string; to: string }): Promise<Map<string, LiveFigures>> {
  // A year's period costs enough for the planner to compile the plan, which takes longer than it saves.
  await tx.query('SET LOCAL jit = off');
  const { rows } = await tx.query<LiveFigures & { id: string }>(
    `WITH bounds AS (
       SELECT id, ($1::date::timestamp AT TIME ZONE time_zone) AS since, (($2::date + 1)::timestamp AT TIME ZONE time_zone) AS until
       FROM clinics
     ),
     appointment_figures AS (
       SELECT a.clinic_id,
              count(*)::int AS appointments,
              count(*) FILTER (WHERE a.status = 'completed')::int AS completed,
              count(*) FILTER (WHERE a.status = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE a.status = 'no_show')::int AS no_shows,
              coalesce(sum(a.price_satang) FILTER (WHERE a.status = 'completed'), 0)::bigint AS revenue_satang
       FROM appointments a JOIN bounds b ON b.id = a.clinic_id
       -- The outer range (every zone is within a day of UTC) lets one index range serve all clinics.
       WHERE a.starts_at >= $1::date - 1 AND a.starts_at < $2::date + 2 AND a.starts_at >= b.since AND a.starts_at < b.until
       GROUP BY a.clinic_id
     ),
     analysis_figures AS (
       SELECT s.clinic_id, count(*)::int AS analyses_completed
       FROM skin_analyses s JOIN bounds b ON b.id = s.clinic_id
       WHERE s.status = 'completed' AND s.finished_at >= $1::date - 1 AND s.finished_at < $2::date + 2
         AND s.finished_at >= b.since AND s.finished_at < b.until
       GROUP BY s.clinic_id
     )
     SELECT c.id, staff.active_staff, cust.customers, cust.new_customers,
            coalesce(a.appointments, 0) AS appointments, coalesce(a.completed, 0) AS completed,
            coalesce(a.cancelled, 0) AS cancelled, coalesce(a.no_shows, 0) AS no_shows,
            coalesce(a.revenue_satang, 0)::bigint AS revenue_satang, coalesce(an.analyses_completed, 0) AS analyses_completed,
            greatest(staff.last_sign_in_at, cust.last_added_at, last_change.at, last_analysis.at) AS last_activity_at
     FROM clinics c
     JOIN bounds b ON b.id = c.id
     CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE u.disabled_at IS NULL)::int AS active_staff, max(u.last_sign_in_at) AS last_sign_in_at
       FROM users u
       WHERE u.clinic_id = c.id AND u.role = ANY($3::text[])
     ) staff
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS customers, count(*) FILTER (WHERE cu.created_at >= b.since AND cu.created_at < b.until)::int AS new_customers,
              max(cu.created_at) AS last_added_at
       FROM customers cu
       WHERE cu.clinic_id = c.id
     ) cust
     LEFT JOIN LATERAL (SELECT x.updated_at AS at FROM appointments x WHERE x.clinic_id = c.id ORDER BY x.updated_at DESC LIMIT 1) last_change ON true
     LEFT JOIN LATERAL (SELECT y.created_at AS at FROM skin_analyses y WHERE y.clinic_id = c.id ORDER BY y.created_at DESC LIMIT 1) last_analysis ON true
     LEFT JOIN appointment_figures a ON a.clinic_id = c.id
     LEFT JOIN analysis_figures an ON an.clinic_id = c.id`,
    [period.from, period.to, STAFF_ROLES],
  );
  return new Map(rows.map(({ id, ...figures }) => [id, figures]));
}
