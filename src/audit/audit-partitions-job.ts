import type pg from 'pg';
import { ANONYMOUS, withTenant } from '../db/tenant-transaction.ts';
import type { JobDefinition } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';

export const AUDIT_PARTITIONS_QUEUE = 'audit-partitions';
// Daily, though a partition is needed only monthly: three months are made ahead, so a month of failed
// runs still leaves time before an insert finds no partition for its row.
export const AUDIT_PARTITIONS_SCHEDULE = { cron: '17 0 * * *', tz: 'UTC' };
export const AUDIT_PARTITIONS_OPTIONS = { retryLimit: 5, retryDelay: 60, retryBackoff: true, expireInSeconds: 300 };
const MONTHS_AHEAD = 3;
// Any fixed number: serialises the start-up run of several workers with the daily job.
const PARTITION_LOCK_KEY = 7_240_315_003;

/** Creates the missing monthly partitions of audit_logs; returns how many it created. */
export async function ensureAuditPartitions(owner: pg.Pool, log: Logger): Promise<number> {
  // The function is SECURITY DEFINER and granted to no one else: only the owner connection may call it.
  const created = await withTenant(owner, ANONYMOUS, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
    const { rows } = await tx.query<{ created: number }>('SELECT ensure_audit_partitions($1) AS created', [MONTHS_AHEAD]);
    return rows[0]!.created;
  });
  log.info(
    { created, monthsAhead: MONTHS_AHEAD },
    created ? 'audit log partitions created' : 'audit log partitions are in place',
  );
  return created;
}

export const auditPartitionsJob: JobDefinition = {
  queue: AUDIT_PARTITIONS_QUEUE,
  options: AUDIT_PARTITIONS_OPTIONS,
  schedule: AUDIT_PARTITIONS_SCHEDULE,
  // Every job in a batch asks for the same upkeep: one run serves them all.
  async handle(runtime, jobs) {
    await ensureAuditPartitions(
      runtime.db.owner,
      runtime.log.child({ queue: AUDIT_PARTITIONS_QUEUE, jobIds: jobs.map((j) => j.id) }),
    );
  },
};
