import type { JobDefinition } from '../jobs/job-context.ts';

export const AUDIT_PARTITIONS_QUEUE = 'audit-partitions';
// Daily, though a partition is needed only monthly: three months are made ahead, so a month of failed
// runs still leaves time before an insert finds no partition for its row.
export const AUDIT_PARTITIONS_SCHEDULE = { cron: '17 0 * * *', tz: 'UTC' };
export const AUDIT_PARTITIONS_OPTIONS = { retryLimit: 5, retryDelay: 60, retryBackoff: true, expireInSeconds: 300 };

export const auditPartitionsJob: JobDefinition = {
  queue: AUDIT_PARTITIONS_QUEUE,
  options: AUDIT_PARTITIONS_OPTIONS,
  schedule: AUDIT_PARTITIONS_SCHEDULE,
  // Every job in a batch asks for the same upkeep: one run serves them all.
  async handle({ services, log }, jobs) {
    await services.auditPartitions.ensure(log.child({ queue: AUDIT_PARTITIONS_QUEUE, jobIds: jobs.map((j) => j.id) }));
  },
};
