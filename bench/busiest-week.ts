import type pg from 'pg';

/** A clinic's busiest local week (Monday to Monday, most appointments): the calendar a receptionist finds slowest. */
export interface BusiestWeek {
  clinicId: string;
  /** Its Monday in the clinic's time zone, `YYYY-MM-DD`. */
  monday: string;
  /** The week's first appointment by id: one row to fetch by primary key. */
  appointmentId: string;
  /** The treatment booked most that week. */
  treatmentId: string;
}

/** The busiest week of each clinic given (ties: the earliest week, the smallest id), by clinic id. */
export async function busiestWeeks(pool: pg.Pool, clinicIds: string[]): Promise<Map<string, BusiestWeek>> {
  const { rows } = await pool.query<BusiestWeek>(
    `SELECT c.id AS "clinicId", to_char(week.monday, 'YYYY-MM-DD') AS monday,
            (SELECT a.id FROM appointments a WHERE a.clinic_id = c.id AND a.starts_at >= span.starts AND a.starts_at < span.ends
             ORDER BY a.id LIMIT 1) AS "appointmentId",
            (SELECT a.treatment_id FROM appointments a WHERE a.clinic_id = c.id AND a.starts_at >= span.starts AND a.starts_at < span.ends
             GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS "treatmentId"
     FROM clinics c
     CROSS JOIN LATERAL (SELECT date_trunc('week', a.starts_at AT TIME ZONE c.time_zone) AS monday FROM appointments a
                         WHERE a.clinic_id = c.id GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) week
     -- The local week's bounds as instants, so the appointments index on (clinic_id, starts_at) serves both reads.
     CROSS JOIN LATERAL (SELECT week.monday AT TIME ZONE c.time_zone AS starts,
                                (week.monday + interval '7 days') AT TIME ZONE c.time_zone AS ends) span
     WHERE c.id = ANY($1::uuid[])`,
    [clinicIds],
  );
  return new Map(rows.map((row) => [row.clinicId, row]));
}
