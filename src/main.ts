import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { AppRoleError, assertAppRoleIsRestricted, enableAppRoleLogin } from './db/database.ts';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.ts';
import { MigrationChangedError, migrate } from './db/migrate.ts';
import { ensureDemoData, type DemoLogin } from './demo/demo-data.ts';
import { startWorker } from './jobs/worker.ts';
import { createLogger } from './logger.ts';
import { startMetricsServer } from './metrics/metrics-server.ts';
import { createRuntime } from './runtime.ts';
import { AdminRefusedError, platformAdminCheck } from './users/platform-admins.ts';
import { flushTraces } from './telemetry/trace-context.ts';

const MODES = ['all', 'api', 'worker', 'migrate'] as const;
type Mode = (typeof MODES)[number];

/** Start-up failures a user can fix get one readable line and exit code 1, not a stack trace. */
const EXPECTED_FAILURES = [ConfigError, EmbeddedPostgresError, MigrationChangedError, AppRoleError, AdminRefusedError];

async function main(): Promise<void> {
  const mode = (process.argv[2] ?? 'all') as Mode;
  if (!MODES.includes(mode)) return fail(`unknown mode "${mode}": expected one of ${MODES.join(', ')}`);
  // A process that also works jobs stalls its loop for each photo it analyses: that is not overload, so
  // it sheds on the event loop's delay only when told to.
  const config = loadConfig(
    mode === 'all'
      ? { ...process.env, LOAD_SHED_EVENT_LOOP_DELAY_MS: process.env.LOAD_SHED_EVENT_LOOP_DELAY_MS || 'off' }
      : process.env,
  );
  const log = createLogger(config);

  // Stops run in reverse: buffered spans are sent last, once requests and jobs have ended theirs.
  const stops: (() => Promise<unknown>)[] = [flushTraces];
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    shuttingDown = true;
    log.info({ signal }, 'shutting down: finishing requests and jobs (a second signal exits at once)');
    // Reverse order of start: stop taking requests, drain jobs, close pools, then stop the database.
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => log.error({ err: error }, 'error during shutdown'));
    log.info('stopped');
    process.exit(0);
  };
  // A closed terminal sends SIGHUP: drain as for Ctrl-C, so the embedded server is not left behind.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

  let embedded: EmbeddedDatabase | undefined;
  let ownerUrl = config.DATABASE_URL;
  if (!ownerUrl) {
    embedded = await startEmbeddedPostgres(config.EMBEDDED_DB_DIR, config.EMBEDDED_DB_PORT, log);
    stops.push(() => embedded!.stop());
    ownerUrl = embedded.url;
  }
  const runtime = createRuntime(config, log, ownerUrl);
  // Runs after everything else has stopped, so errors raised while draining are sent too.
  stops.push(() => runtime.errors.flush());
  stops.push(() => runtime.close());

  if (config.RUN_MIGRATIONS || mode === 'migrate') {
    const applied = await migrate(runtime.db.owner, log);
    log.info({ applied: applied.length }, applied.length ? 'migrations applied' : 'database is up to date');
  }
  // Without an explicit app URL the app role signs in with the configured password on the same server.
  if (!config.DATABASE_APP_URL && (await enableAppRoleLogin(runtime.db.owner, config.DATABASE_APP_PASSWORD))) {
    log.info('the application role can now sign in with DATABASE_APP_PASSWORD');
  }
  if (mode === 'migrate') return shutdown('migrate finished');
  await assertAppRoleIsRestricted(runtime.db.app);
  if (runtime.db.replica !== runtime.db.app) await assertAppRoleIsRestricted(runtime.db.replica);

  if (config.NODE_ENV === 'production') {
    // Production never gets a default platform account: the operator creates the first one.
    const admins = await platformAdminCheck(runtime.db.owner);
    if (admins.publishedPassword.length)
      throw new AdminRefusedError(
        `refusing to start: super admin ${admins.publishedPassword.join(', ')} still has the published demo password; set another with npm run create-admin -- --reset --email <address>`,
      );
    if (admins.none) log.warn('no super admin yet: create the first one with npm run create-admin');
  }
  await runtime.start();
  const demoLogins = wantsDemo(config, embedded) ? await ensureDemoData(runtime) : [];

  if (mode === 'worker' || mode === 'all') {
    const worker = await startWorker(runtime, ownerUrl);
    stops.push(() => worker.stop());
    // With the API in this process its listener serves /metrics; a worker alone gets its own small one.
    if (mode === 'worker' && config.METRICS_PORT !== 'off') {
      const server = await startMetricsServer({ config, log, metrics: runtime.metrics, port: config.METRICS_PORT });
      stops.push(() => server.close());
      log.info({ port: config.METRICS_PORT }, 'worker metrics at /metrics, liveness at /healthz');
    }
  }
  if (mode === 'api' || mode === 'all') {
    const app = await runtime.buildApp();
    stops.push(() => app.close());
    await app.listen({ host: config.HOST, port: config.PORT, backlog: config.LISTEN_BACKLOG });
    printBanner(app, config, demoLogins);
  }
  log.info({ mode }, 'started');
}

function wantsDemo(config: Config, embedded: EmbeddedDatabase | undefined): boolean {
  // Demo accounts have published passwords: never on their own in production (config refuses "on").
  return config.DEMO_DATA === 'on' || (config.DEMO_DATA === 'auto' && embedded !== undefined && config.NODE_ENV !== 'production');
}

function printBanner(app: FastifyInstance, config: Config, logins: DemoLogin[]): void {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://${config.HOST}:${port}`;
  const lines = [``, `Beauty with AI Precision is running at ${url}`, `API documentation: ${url}/docs`];
  if (logins.length) {
    lines.push('', 'Demo sign-ins (email / password):');
    for (const l of logins) lines.push(`  ${l.label.padEnd(34)} ${l.email.padEnd(36)} ${l.password}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  if (EXPECTED_FAILURES.some((type) => error instanceof type)) fail((error as Error).message);
  process.stderr.write(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
