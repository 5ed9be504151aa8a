import { readFileSync } from 'node:fs';
import type * as SentrySdk from '@sentry/node';
import type { ErrorEvent } from '@sentry/node';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/** Where a 5xx answer came from: enough to find the request in the logs, nothing a client sent. */
export interface ServerErrorContext {
  requestId: string;
  method: string;
  /** The route template (`/api/customers/:id`), never the URL: ids and query values stay out. */
  route: string;
  status: number;
  problem: string;
}

/** Errors nobody answered for: sent to Sentry when SENTRY_DSN is set, dropped otherwise. */
export interface ErrorTracking {
  serverError(error: unknown, context: ServerErrorContext): void;
  /** A job that failed its last attempt (earlier attempts are retried and only logged). */
  jobFailed(error: unknown, context: { queue: string; jobIds: string[] }): void;
  /** Resolves once the SDK is initialised, so errors from the first request are not missed. */
  ready(): Promise<void>;
  /** Sends what is still queued, waiting at most `timeoutMs`: the last step before the process exits. */
  flush(timeoutMs?: number): Promise<void>;
}

type TrackingConfig = Pick<Config, 'SENTRY_DSN' | 'SENTRY_ENVIRONMENT' | 'SENTRY_RELEASE' | 'RELEASE' | 'NODE_ENV'>;

const FLUSH_TIMEOUT_MS = 2_000;

const IGNORED: ErrorTracking = {
  serverError() {},
  jobFailed() {},
  ready: async () => {},
  flush: async () => {},
};

/**
 * Without a DSN nothing of @sentry/node is imported (it is large, and its presence alone changes no
 * behaviour we want). With one, the SDK is loaded on the side and captures wait for it.
 */
export function createErrorTracking(config: TrackingConfig, log: Logger): ErrorTracking {
  const dsn = config.SENTRY_DSN;
  if (!dsn) return IGNORED;
  const sentry = import('@sentry/node').then((Sentry) => {
    initSentry(Sentry, dsn, config);
    log.info({ release: releaseOf(config), environment: environmentOf(config) }, 'errors are reported to Sentry');
    return Sentry;
  });
  // A failed import must not become an unhandled rejection of its own; each use logs it.
  sentry.catch((error: unknown) => log.error({ err: error }, 'error tracking could not start: errors are only logged'));
  const withSentry = (use: (Sentry: typeof SentrySdk) => unknown) => void sentry.then(use, () => {});
  return {
    serverError(error, context) {
      withSentry((Sentry) =>
        Sentry.withScope((scope) => {
          scope.setTags({
            request_id: context.requestId,
            route: context.route,
            method: context.method,
            status: context.status,
            problem: context.problem,
          });
          scope.setTransactionName(`${context.method} ${context.route}`);
          Sentry.captureException(error, { mechanism: { type: 'http.problem', handled: false } });
        }),
      );
    },
    jobFailed(error, context) {
      withSentry((Sentry) =>
        Sentry.withScope((scope) => {
          scope.setTags({ queue: context.queue });
          scope.setContext('job', { ids: context.jobIds });
          scope.setTransactionName(`job ${context.queue}`);
          Sentry.captureException(error, { mechanism: { type: 'job', handled: false } });
        }),
      );
    },
    ready: () =>
      sentry.then(
        () => {},
        () => {},
      ),
    async flush(timeoutMs = FLUSH_TIMEOUT_MS) {
      const Sentry = await sentry.catch(() => null);
      if (Sentry && !(await Sentry.flush(timeoutMs))) log.warn({ timeoutMs }, 'some errors were not sent to Sentry in time');
    },
  };
}

function initSentry(Sentry: typeof SentrySdk, dsn: string, config: TrackingConfig): void {
  Sentry.initWithoutDefaultIntegrations({
    dsn,
    release: releaseOf(config),
    environment: environmentOf(config),
    // Our own OpenTelemetry setup (src/telemetry) owns tracing; Sentry only reports errors, so it
    // neither installs a tracer provider nor registers the import hooks that patch modules.
    skipOpenTelemetrySetup: true,
    registerEsmLoaderHooks: false,
    sendDefaultPii: false,
    sendClientReports: false,
    // Only what error capture needs: no http/fetch/console patching, no local variables (they hold
    // request bodies and passwords), no module list.
    integrations: [
      Sentry.linkedErrorsIntegration(),
      Sentry.contextLinesIntegration(),
      Sentry.nodeContextIntegration(),
      Sentry.onUncaughtExceptionIntegration(),
      // As Node does without a handler: an unhandled rejection ends the process (after the event is sent).
      Sentry.onUnhandledRejectionIntegration({ mode: 'strict' }),
    ],
    beforeSend: scrubEvent,
    beforeBreadcrumb: () => null,
  });
}

const EMAIL = /[^\s@"'<>()[\],;:]+@[^\s@"'<>()[\],;:]+\.[a-z]{2,}/gi;

/**
 * The last wall before an event leaves: whatever an integration or a future change attaches, no
 * cookie, header, body, query string or user goes out, and an email inside an error message (a
 * database error can quote the value it refused) is masked.
 */
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  delete event.request;
  delete event.user;
  delete event.breadcrumbs;
  delete event.extra;
  event.message &&= maskEmails(event.message);
  for (const exception of event.exception?.values ?? []) exception.value &&= maskEmails(exception.value);
  return event;
}

function maskEmails(text: string): string {
  return text.replace(EMAIL, '[email]');
}

function releaseOf(config: TrackingConfig): string {
  return config.SENTRY_RELEASE ?? config.RELEASE ?? `beauty-with-ai-precision@${packageVersion()}`;
}

function environmentOf(config: TrackingConfig): string {
  return config.SENTRY_ENVIRONMENT ?? config.NODE_ENV;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
