import type PgBoss from 'pg-boss';
import type { AnalysisObjects } from '../analysis/analysis-objects.ts';
import type { AnalysisRuns } from '../analysis/analysis-runs.ts';
import type { ReminderDelivery } from '../appointments/reminder-delivery.ts';
import type { AuditPartitions } from '../audit/audit-partitions.ts';
import type { Config } from '../config.ts';
import type { ErrorTracking } from '../errors/error-tracking.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { NotificationDelivery } from '../notifications/notification-delivery.ts';
import type { SystemNodes } from '../system/system-nodes.ts';
import type { QueueDefinition } from './job-queue.ts';

/** What a job handler may use: the services that do its work, never the HTTP app, the pools or the storage. */
export interface JobContext {
  config: Config;
  log: Logger;
  services: {
    analysisRuns: AnalysisRuns;
    analysisObjects: AnalysisObjects;
    reminders: ReminderDelivery;
    notificationDelivery: NotificationDelivery;
    auditPartitions: AuditPartitions;
    systemNodes: Pick<SystemNodes, 'serves'>;
  };
  metrics: Pick<Metrics, 'jobs'>;
  errors: Pick<ErrorTracking, 'jobFailed'>;
}

/** A job is one module in its domain: its queue, its retry policy, an optional cron, and its handler. */
export interface JobDefinition<Data extends object = object> extends QueueDefinition {
  /** pg-boss 10 hands a worker an array of jobs, even with a batch size of one. */
  handle(context: JobContext, jobs: PgBoss.Job<Data>[]): Promise<void>;
  /** Runs once jobs whose worker process died were handed back to the queue (jobs/worker-liveness.ts). */
  onWorkerLost?(context: JobContext, jobs: { id: string; data: Data }[]): Promise<void>;
}
