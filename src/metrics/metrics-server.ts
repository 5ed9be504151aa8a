import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { fastifyTrustProxy } from '../http/trust-proxy.ts';
import { metricsRoute } from '../http/metrics-route.ts';
import { registerProblemHandlers } from '../http/problem-handler.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from './metrics.ts';

/**
 * The HTTP face of a process that serves no API (a worker): the same protected /metrics as the API,
 * and /healthz for an orchestrator's liveness probe. Nothing else listens, so nothing else is exposed.
 */
export async function startMetricsServer({
  config,
  log,
  metrics,
  port,
}: {
  config: Pick<Config, 'HOST' | 'METRICS_TOKEN' | 'METRICS_ALLOW' | 'TRUST_PROXY'>;
  log: Logger;
  metrics: Metrics;
  port: number;
}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    disableRequestLogging: true,
  });
  registerProblemHandlers(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(metricsRoute, { config, metrics });
  await app.listen({ host: config.HOST, port });
  return app;
}
