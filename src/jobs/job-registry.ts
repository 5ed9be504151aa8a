import { auditPartitionsJob } from '../audit/audit-partitions-job.ts';
import { appointmentReminderJob } from '../appointments/appointment-reminder-job.ts';
import { analysisDeadLetterJob, analysisJob } from '../analysis/analysis-job.ts';
import { imageRemovalJob } from '../analysis/image-removal-job.ts';
import { orphanObjectsJob } from '../analysis/orphan-objects-job.ts';
import { photoRetentionJob } from '../analysis/photo-retention-job.ts';
import { notificationDeliveryJob } from '../notifications/notification-delivery-job.ts';
import type { JobDefinition } from './job-context.ts';

/** Every job the workers run; each queue named here is created at boot by senders and workers alike. */
// A dead-letter queue is listed before the queue that names it: pg-boss requires it to exist first.
export const JOBS: readonly JobDefinition[] = [
  auditPartitionsJob,
  appointmentReminderJob as JobDefinition,
  analysisDeadLetterJob as JobDefinition,
  analysisJob as JobDefinition,
  orphanObjectsJob,
  imageRemovalJob as JobDefinition,
  photoRetentionJob,
  notificationDeliveryJob as JobDefinition,
];
