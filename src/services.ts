import type { Redis } from 'ioredis';
import type PgBoss from 'pg-boss';
import type { ObjectStorage } from './storage/object-storage.ts';
import { createAnalysisService } from './analysis/analysis-service.ts';
import { createAnalysisRuns } from './analysis/analysis-runs.ts';
import { createAnalysisObjects } from './analysis/analysis-objects.ts';
import { createReminderDelivery } from './appointments/reminder-delivery.ts';
import { createAuditPartitions } from './audit/audit-partitions.ts';
import type { Notifier } from './notifications/notifier.ts';
import type { EmailSender } from './notifications/email-sender.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics/metrics.ts';
import { createAuditService } from './audit/audit-service.ts';
import { createAuthService } from './auth/auth-service.ts';
import { createSessionCache } from './auth/session-cache.ts';
import { createSignInThrottle } from './auth/sign-in-throttle.ts';
import { createSignUpService } from './auth/sign-up-service.ts';
import { createAccountMail } from './auth/account-mail.ts';
import { createAccountService } from './auth/account-service.ts';
import { createPasswordResetService } from './auth/password-reset-service.ts';
import { createTwoFactorService } from './auth/two-factor-service.ts';
import { createInvalidationBus } from './cache/invalidation-bus.ts';
import { createResponseCache } from './cache/response-cache.ts';
import { createClinicCache } from './clinics/clinic-cache.ts';
import { createClinicService } from './clinics/clinic-service.ts';
import { createFlagLookup } from './flags/flag-lookup.ts';
import { createFlagService } from './flags/flag-service.ts';
import { createStaffService } from './staff/staff-service.ts';
import { createInvitationService } from './staff/invitation-service.ts';
import { createCustomerService } from './customers/customer-service.ts';
import { createErasureService } from './data-rights/erasure-service.ts';
import { createDataExportService } from './data-rights/export-service.ts';
import { createTreatmentService } from './treatments/treatment-service.ts';
import { createClinicReportService } from './reports/clinic-report-service.ts';
import { createRoomService } from './rooms/room-service.ts';
import { createScheduleService } from './schedules/schedule-service.ts';
import { createSetupProgressService } from './setup/setup-progress-service.ts';
import { createAppointmentService } from './appointments/appointment-service.ts';
import { createNotificationService } from './notifications/notification-service.ts';
import { createNotificationOutbox } from './notifications/notification-outbox.ts';
import { createNotificationDelivery } from './notifications/notification-delivery.ts';
import { createLineClient } from './notifications/line-client.ts';
import { createAnalyticsCache } from './analytics/analytics-cache.ts';
import { createClinicAnalyticsService } from './analytics/clinic-analytics-service.ts';
import type { ClinicAnalyticsPage } from './analytics/clinic-analytics-schemas.ts';
import { createSystemNodes } from './system/system-nodes.ts';
import { createSystemService } from './system/system-service.ts';

/** Every domain service, built once per process from its dependencies. */
export function createServices({
  config,
  db,
  log,
  redis,
  jobs,
  storage,
  notifier,
  metrics,
  email,
}: {
  config: Config;
  db: Database;
  log: Logger;
  redis: Redis | null;
  jobs: PgBoss;
  storage: ObjectStorage;
  notifier: Notifier;
  metrics: Metrics;
  email: EmailSender | null;
}) {
  const invalidations = createInvalidationBus({ config, redis, log, metrics: metrics.cache });
  const clinicCache = createClinicCache({ config, invalidations, log, metrics: metrics.cache });
  const clinics = createClinicService(db.app, clinicCache, config);
  const flagLookup = createFlagLookup({ pool: db.app, config, bus: invalidations, log, metrics: metrics.cache });
  const flags = createFlagService(db.app, flagLookup);
  const responses = createResponseCache({ config, bus: invalidations, flags: flagLookup, log, metrics: metrics.cache });
  const systemNodes = createSystemNodes({ config, redis, registry: metrics.registry, log });
  const sessions = createSessionCache({ config, invalidations, log, metrics: metrics.cache });
  const signInThrottle = createSignInThrottle(config, redis);
  const twoFactor = createTwoFactorService({ pool: db.app, redis, config, sessions });
  const sendAccountEmail = createAccountMail(email, log);
  const outbox = createNotificationOutbox({ jobs, emailEnabled: email !== null });
  return {
    invalidations,
    sessions,
    clinics,
    flags,
    auth: createAuthService(db.app, signInThrottle, config, clinics, sessions, twoFactor),
    twoFactor,
    signUp: createSignUpService({ pool: db.app, clinics, email, log, config }),
    account: createAccountService(db.app, signInThrottle, sessions),
    passwordReset: createPasswordResetService({
      pool: db.app,
      redis,
      sessions,
      send: sendAccountEmail,
      config,
    }),
    audit: createAuditService(db.app),
    staff: createStaffService(db.app, sessions, responses),
    invitations: createInvitationService({ pool: db.app, responses, send: sendAccountEmail, config }),
    customers: createCustomerService(db.app, sessions),
    erasure: createErasureService({ pool: db.app, jobs, sessions, responses }),
    dataExport: createDataExportService({ pool: db.app, storage }),
    treatments: createTreatmentService(db.app, responses),
    reports: createClinicReportService(db.app),
    rooms: createRoomService(db.app, responses),
    schedules: createScheduleService(db.app, responses),
    setupProgress: createSetupProgressService(db.app),
    appointments: createAppointmentService(db.app, clinics, jobs, responses, outbox),
    notifications: createNotificationService(db.app),
    notificationDelivery: createNotificationDelivery({ pool: db.app, email, line: createLineClient(config.LINE_API_URL), log }),
    analyses: createAnalysisService({ pool: db.app, storage, jobs, clinics, redis, config }),
    analysisRuns: createAnalysisRuns({ pool: db.app, storage, jobs, config, metrics: metrics.analyses, outbox }),
    analysisObjects: createAnalysisObjects({ pool: db.app, storage }),
    reminders: createReminderDelivery({ pool: db.app, notifier, log }),
    auditPartitions: createAuditPartitions(db.owner),
    analytics: createClinicAnalyticsService({
      primary: db.app,
      replica: db.replica,
      cache: createAnalyticsCache<ClinicAnalyticsPage>({
        redis,
        keyPrefix: `${config.REDIS_KEY_PREFIX}analytics:`,
        ttlSeconds: config.ANALYTICS_CACHE_SECONDS,
        log,
        metrics: metrics.cache,
      }),
    }),
    systemNodes,
    system: createSystemService({
      pool: db.app,
      jobDb: () => jobs.getDb(),
      nodes: systemNodes,
      snapshotSeconds: config.SYSTEM_SNAPSHOT_SECONDS,
      redisConfigured: redis !== null,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
