import type { Tx } from '../db/tenant-transaction.ts';
import { QUEUE_FIGURES, type JobDb, type QueueRow } from '../metrics/job-metrics.ts';

/** The queues as /metrics reports them, with one pass over pg-boss's job table for all of them. */
export async function queueFigures(db: JobDb): Promise<QueueRow[]> {
  return (await db.executeSql(QUEUE_FIGURES)).rows as QueueRow[];
}

export interface EndedAnalysesRow {
  /** Completed per minute, oldest minute first; the last is the minute just gone. */
  completed_per_minute: number[];
  completed: number;
  rejected: number;
  failed: number;
  /** Upload to result (created → finished), seconds; null with no completed analysis. */
  result_p50: number | null;
  result_p95: number | null;
  /** Worker time (started → finished), seconds. */
  processing_p50: number | null;
  processing_p95: number | null;
}

/**
 * Analyses that ended in the last `minutes` minutes across every clinic. Each branch of `ended` reads
 * a partial index on finished_at (completed; rejected or failed), so the cost follows the analyses of
 * the window, not the table. Minutes are counted back from now, so each is a whole minute.
 */
export async function endedAnalyses(tx: Tx, minutes: number): Promise<EndedAnalysesRow> {
  const { rows } = await tx.query<EndedAnalysesRow>(
    `WITH ended AS (
       SELECT status, created_at, started_at, finished_at FROM skin_analyses
       WHERE status = 'completed' AND finished_at > now() - make_interval(mins => $1)
       UNION ALL
       SELECT status, created_at, started_at, finished_at FROM skin_analyses
       WHERE status IN ('rejected', 'failed') AND finished_at > now() - make_interval(mins => $1)
     ), by_minute AS (
       SELECT floor(extract(epoch FROM now() - finished_at) / 60)::int AS minutes_ago, count(*)::int AS completed
       FROM ended WHERE status = 'completed' GROUP BY 1
     )
     SELECT (SELECT array_agg(coalesce(b.completed, 0) ORDER BY g.minutes_ago DESC)
               FROM generate_series(0, $1 - 1) g(minutes_ago) LEFT JOIN by_minute b USING (minutes_ago)) AS completed_per_minute,
            count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at))
              FILTER (WHERE status = 'completed')::float8 AS result_p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at))
              FILTER (WHERE status = 'completed')::float8 AS result_p95,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
              FILTER (WHERE status = 'completed')::float8 AS processing_p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
              FILTER (WHERE status = 'completed')::float8 AS processing_p95
     FROM ended`,
    [minutes],
  );
  return rows[0]!;
}
