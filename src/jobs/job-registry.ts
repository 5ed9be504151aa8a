import { auditPartitionsJob } from '../audit/audit-partitions-job.ts';
import { appointmentReminderJob } from '../appointments/appointment-reminder-job.ts';
import type { JobDefinition } from './job-queue.ts';

/** Every job the workers run; each queue named here is created at boot by senders and workers alike. */
export const JOBS: readonly JobDefinition[] = [auditPartitionsJob, appointmentReminderJob as JobDefinition];
