import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import csrf from '@fastify/csrf-protection';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { ErrorTracking } from './errors/error-tracking.ts';
import type { Logger } from './logger.ts';
import type { Services } from './services.ts';
import { authenticate, sessionLookup } from './http/authenticate.ts';
import { twoFactorEnrolmentGuard } from './http/two-factor-enrolment-guard.ts';
import { eventStreams } from './http/event-stream.ts';
import { securityHeaders } from './http/security-headers.ts';
import { fastifyTrustProxy } from './http/trust-proxy.ts';
import { apiRateLimit } from './http/api-rate-limit.ts';
import { shedLoad } from './http/load-shedding.ts';
import { answerFrameworkError, registerProblemHandlers } from './http/problem-handler.ts';
import { storableTextValidatorCompiler } from './http/storable-text.ts';
import { responseSerializerCompiler } from './http/response-serializer.ts';
import { etags } from './http/etag.ts';
import { jsonCompression } from './http/json-compression.ts';
import { healthRoutes } from './http/health-routes.ts';
import { metricsRoute } from './http/metrics-route.ts';
import { httpMetrics } from './metrics/http-metrics.ts';
import type { Metrics } from './metrics/metrics.ts';
import { requestTiming } from './metrics/request-timing.ts';
import { problemRoutes } from './http/problem-routes.ts';
import { serveWebApp } from './http/web-app.ts';
import { authRoutes } from './auth/routes.ts';
import { signUpRoutes } from './auth/sign-up-routes.ts';
import { accountRoutes } from './auth/account-routes.ts';
import { twoFactorRoutes } from './auth/two-factor-routes.ts';
import { clinicRoutes } from './clinics/routes.ts';
import { flagRoutes } from './flags/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { staffRoutes } from './staff/routes.ts';
import { acceptInvitationRoutes, invitationRoutes } from './staff/invitation-routes.ts';
import { customerRoutes } from './customers/routes.ts';
import { dataRightsRoutes } from './data-rights/routes.ts';
import { treatmentRoutes } from './treatments/routes.ts';
import { roomRoutes } from './rooms/routes.ts';
import { scheduleRoutes } from './schedules/routes.ts';
import { setupRoutes } from './setup/routes.ts';
import { appointmentRoutes } from './appointments/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { analysisRoutes } from './analysis/routes.ts';
import { analyticsRoutes } from './analytics/routes.ts';
import { clinicReportRoutes } from './reports/routes.ts';
import { systemRoutes } from './system/routes.ts';
import type { AnalysisEvents } from './analysis/analysis-events.ts';
import type { NotificationEvents } from './notifications/notification-events.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  log: Logger;
  redis: Redis | null;
  services: Services;
  analysisEvents: AnalysisEvents;
  notificationEvents: NotificationEvents;
  metrics: Metrics;
  errors: ErrorTracking;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function buildApp({
  config,
  db,
  log,
  redis,
  services,
  analysisEvents,
  notificationEvents,
  metrics,
  errors,
}: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    bodyLimit: 1024 * 1024,
    frameworkErrors: answerFrameworkError,
    // Keep a caller's request id when it is well-formed, so traces join up across services.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const webShell = await serveWebApp(app, config.WEB_DIST_DIR);
  if (!webShell) log.info({ dir: config.WEB_DIST_DIR }, 'the web app is not built (npm run build:web): serving the API only');
  registerProblemHandlers(app, webShell, errors);
  // With METRICS=off nothing is counted, but routes still find `app.metrics` (a live stream counts itself).
  if (config.METRICS === 'on') await app.register(httpMetrics, { metrics });
  else app.decorate('metrics', metrics);
  await app.register(requestTiming, { slowRequestMs: config.SLOW_REQUEST_MS });

  await app.register(securityHeaders);
  await app.register(cors, {
    // Strict: only the configured origins, with credentials; none at all when the list is empty.
    origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false,
    credentials: true,
    // A browser app may read only the headers listed here: it needs the limits to back off, and the
    // Location of an accepted upload.
    exposedHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'Location'],
  });
  await app.register(cookie, { secret: config.cookieSecret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: 'auto' },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Beauty with AI Precision API', version: '0.1.0' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'bwai_session' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { db });
  await app.register(problemRoutes);
  if (config.METRICS === 'on') await app.register(metricsRoute, { config, metrics });

  // The zod compilers live inside this scope only: plugins outside it keep their JSON-schema routes.
  await app.register(async (api) => {
    api.setValidatorCompiler(storableTextValidatorCompiler);
    api.setSerializerCompiler(responseSerializerCompiler({ validate: config.RESPONSE_VALIDATION === 'on' }));
    const typed = api.withTypeProvider<ZodTypeProvider>();
    // First in the API's scope, so health, readiness and /metrics, outside it, are never shed.
    await typed.register(shedLoad, {
      pool: db.app,
      queueLimit: config.DATABASE_POOL_QUEUE_LIMIT,
      maxEventLoopDelayMs: config.LOAD_SHED_EVENT_LOOP_DELAY_MS,
    });
    // In this order: the ETag is of the JSON as serialised, whatever encoding carries it.
    await typed.register(etags);
    await typed.register(jsonCompression);
    await typed.register(authenticate, { pool: db.app, sessions: services.sessions, idleHours: config.SESSION_IDLE_HOURS });
    await typed.register(twoFactorEnrolmentGuard, { auth: services.auth });
    // Before the CSRF check, so requests refused for a bad token count against the limit too.
    await typed.register(apiRateLimit, { config, redis, clinics: services.clinics });
    // Every state-changing API call carries the CSRF token; cookies alone never authorise a write.
    typed.addHook('onRequest', (request, reply, done) => {
      if (SAFE_METHODS.has(request.method)) return done();
      app.csrfProtection(request, reply, done);
    });
    await typed.register(authRoutes, { prefix: '/api', auth: services.auth });
    await typed.register(signUpRoutes, { prefix: '/api', signUp: services.signUp });
    await typed.register(accountRoutes, { prefix: '/api', account: services.account, passwordReset: services.passwordReset });
    await typed.register(twoFactorRoutes, { prefix: '/api', twoFactor: services.twoFactor });
    await typed.register(clinicRoutes, { prefix: '/api', clinics: services.clinics });
    await typed.register(flagRoutes, { prefix: '/api', flags: services.flags });
    await typed.register(auditRoutes, { prefix: '/api', audit: services.audit });
    await typed.register(staffRoutes, { prefix: '/api', staff: services.staff });
    await typed.register(invitationRoutes, { prefix: '/api', invitations: services.invitations });
    await typed.register(acceptInvitationRoutes, { prefix: '/api', invitations: services.invitations });
    await typed.register(customerRoutes, { prefix: '/api', customers: services.customers });
    await typed.register(dataRightsRoutes, { prefix: '/api', erasure: services.erasure, dataExport: services.dataExport });
    await typed.register(treatmentRoutes, { prefix: '/api', treatments: services.treatments });
    await typed.register(roomRoutes, { prefix: '/api', rooms: services.rooms });
    await typed.register(scheduleRoutes, { prefix: '/api', schedules: services.schedules });
    await typed.register(setupRoutes, { prefix: '/api', setupProgress: services.setupProgress });
    await typed.register(appointmentRoutes, { prefix: '/api', appointments: services.appointments });
    const liveSession = sessionLookup(db.app, services.sessions, config.SESSION_IDLE_HOURS);
    const streams = eventStreams({
      maxSeconds: config.SSE_MAX_SECONDS,
      maxPerUser: config.SSE_MAX_STREAMS_PER_USER,
      heartbeatSeconds: config.SSE_HEARTBEAT_SECONDS,
      stillSignedIn: async (request) => (await liveSession(request)) !== undefined,
    });
    await typed.register(analysisRoutes, {
      prefix: '/api',
      config,
      analyses: services.analyses,
      events: analysisEvents,
      streams,
    });
    await typed.register(notificationRoutes, {
      prefix: '/api',
      notifications: services.notifications,
      events: notificationEvents,
      streams,
    });
    await typed.register(analyticsRoutes, { prefix: '/api', analytics: services.analytics });
    await typed.register(clinicReportRoutes, { prefix: '/api', reports: services.reports });
    await typed.register(systemRoutes, { prefix: '/api', system: services.system });
  });

  return app;
}
