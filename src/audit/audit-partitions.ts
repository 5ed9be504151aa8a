import type pg from 'pg';
import { ANONYMOUS, withTenant } from '../db/tenant-transaction.ts';
import type { Logger } from '../logger.ts';

const MONTHS_AHEAD = 3;
// Any fixed number: serialises the start-up run of several workers with the daily job.
const PARTITION_LOCK_KEY = 7_240_315_003;

/** Upkeep of the monthly partitions of audit_logs, on the owner connection. */
export function createAuditPartitions(owner: pg.Pool) {
  return {
    /** Creates the missing monthly partitions of audit_logs; returns how many it created. */
    async ensure(log: Logger): Promise<number> {
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
    },
  };
}

export type AuditPartitions = ReturnType<typeof createAuditPartitions>;
