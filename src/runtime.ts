import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type PgBoss from 'pg-boss';
import { buildApp } from './app.ts';
import { connectRedis } from './cache/redis-connection.ts';
import { redisFallback } from './cache/rate-limiter.ts';
import type { Config } from './config.ts';
import { createDatabase, type Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { createJobQueue, prepareJobQueue } from './jobs/job-queue.ts';
import { JOBS } from './jobs/job-registry.ts';
import { createEmailSender } from './notifications/email-sender.ts';
import { createNotifier, type Notifier } from './notifications/notifier.ts';
import { createNotificationEvents, type NotificationEvents } from './notifications/notification-events.ts';
import { createServices, type Services } from './services.ts';
import { createObjectStorage, type ObjectStorage } from './storage/object-storage.ts';
import { createAnalysisEvents, type AnalysisEvents } from './analysis/analysis-events.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { createErrorTracking, type ErrorTracking } from './errors/error-tracking.ts';

/** Everything a process holds open, built from config; shared by main, the worker and the tests. */
export interface Runtime {
  config: Config;
  log: Logger;
  db: Database;
  redis: Redis | null;
  services: Services;
  /** Sends jobs (inside callers' transactions); works none. */
  jobs: PgBoss;
  notifier: Notifier;
  storage: ObjectStorage;
  /** Analysis progress from every worker, for this node's live streams. */
  analysisEvents: AnalysisEvents;
  /** New inbox rows from every node and worker, for this node's live inboxes. */
  notificationEvents: NotificationEvents;
  /** This process's figures, served at /metrics. */
  metrics: Metrics;
  /** Unhandled errors, 5xx answers and finally failed jobs, to Sentry when SENTRY_DSN is set. */
  errors: ErrorTracking;
  /** Creates the job schema and queues if needed and starts listening for progress; before the first request. */
  start(): Promise<void>;
  buildApp(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export function createRuntime(config: Config, log: Logger, ownerUrl: string): Runtime {
  const metrics = createMetrics({ processMetrics: config.METRICS === 'on' });
  const errors = createErrorTracking(config, log);
  const db = createDatabase(ownerUrl, config, log);
  if (config.METRICS === 'on') {
    metrics.database.observe(db, log);
    if (config.STORAGE_DRIVER === 'local') metrics.storage.observeLocalVolume(config.STORAGE_DIR, log);
  }
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, log, () => metrics.cache.redisError('shared')) : null;
  if (redis) metrics.cache.observeRedisFallback(redisFallback(redis));
  const jobs = createJobQueue(ownerUrl, config, log, { role: 'sender', maxConnections: 2 });
  const email = createEmailSender(config);
  const notifier = createNotifier(log, email);
  const storage = createObjectStorage(config);
  const analysisEvents = createAnalysisEvents(ownerUrl, log);
  const notificationEvents = createNotificationEvents(ownerUrl, log);
  const services = createServices({ config, db, log, redis, jobs, storage, notifier, email, metrics });
  let jobsStarted = false;
  return {
    config,
    log,
    db,
    redis,
    services,
    jobs,
    notifier,
    storage,
    analysisEvents,
    notificationEvents,
    metrics,
    errors,
    async start() {
      await errors.ready();
      await prepareJobQueue(jobs, JOBS, config, ownerUrl);
      jobsStarted = true;
      await analysisEvents.start();
      await notificationEvents.start();
    },
    buildApp() {
      services.systemNodes.serves('api');
      return buildApp({ config, db, log, redis, services, analysisEvents, notificationEvents, metrics, errors });
    },
    async close() {
      await services.systemNodes.stop();
      if (jobsStarted) await jobs.stop({ graceful: false, wait: true });
      await analysisEvents.close();
      await notificationEvents.close();
      email?.close();
      await services.invalidations.close();
      await db.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
