import { subscribe } from 'node:diagnostics_channel';
import { register } from 'node:module';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK, resources } from '@opentelemetry/sdk-node';
import { statementLabel } from '../db/slow-statements.ts';
import { traceRequests, type TracedFastify } from './request-span.ts';
import { statementWithoutLiterals } from './statement-text.ts';

// The OpenTelemetry SDK, started by start-tracing.ts only when an OTLP endpoint is configured. The
// exporter, protocol, sampler and batch sizes come from the standard OTEL_* variables.

// The app is ES modules: pg, ioredis and the AWS SDK are patched as they are imported, which needs
// this loader hook registered before the app's first import.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

// Metrics are Prometheus's (/metrics) and logs are pino's: unless an operator asks for them, only traces
// go over OTLP. The SDK's default would also record and export every instrumentation's metrics.
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? `beauty-with-ai-precision-${process.argv[2] ?? 'all'}`,
  // The cloud detectors probe metadata addresses over the network at start-up; this app needs none.
  resourceDetectors: [resources.envDetector, resources.hostDetector, resources.processDetector],
  instrumentations: [
    getNodeAutoInstrumentations({
      // Outgoing calls only: each request's server span comes from request-span.ts.
      '@opentelemetry/instrumentation-http': { disableIncomingRequestInstrumentation: true },
      '@opentelemetry/instrumentation-pg': {
        // Values of a statement are personal data (names, emails, password hashes): never recorded.
        enhancedDatabaseReporting: false,
        // pg-boss polls and pool checks outside any request or job would each start a trace of their own.
        requireParentSpan: true,
        // A checkout is a span per statement batch that says only "a connection was free": the pool's
        // wait shows in /metrics (db_pool_wait_seconds), and each span costs the request its share.
        ignoreConnectSpans: true,
        requestHook: (span, { query }) => {
          // Unsampled statements are dropped anyway: no label to compute for them.
          if (!span.isRecording()) return;
          span.updateName(statementLabel(query));
          if (query.text) span.setAttribute('db.query.text', statementWithoutLiterals(query.text));
        },
      },
      '@opentelemetry/instrumentation-ioredis': {
        // A key can hold an email (sign-in throttles) or a session token: the command name is enough.
        dbStatementSerializer: (command) => command,
      },
      // Log lines get their trace id from the logger's own mixin (logger.ts), which works without the SDK.
      '@opentelemetry/instrumentation-pino': { enabled: false },
      // File, name-lookup and socket spans under every request, and nothing an operator acts on.
      '@opentelemetry/instrumentation-fs': { enabled: false },
      '@opentelemetry/instrumentation-dns': { enabled: false },
      '@opentelemetry/instrumentation-net': { enabled: false },
      '@opentelemetry/instrumentation-generic-pool': { enabled: false },
      '@opentelemetry/instrumentation-lru-memoizer': { enabled: false },
      '@opentelemetry/instrumentation-runtime-node': { enabled: false },
    }),
  ],
});
sdk.start();

// Fastify announces each instance it creates on this channel, once its server exists and before any
// route or plugin is registered.
subscribe('fastify.initialization', (message) => traceRequests((message as { fastify: TracedFastify }).fastify));
