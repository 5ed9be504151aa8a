import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors/app-error.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { sendProblem } from './problem-handler.ts';

export interface MetricsRouteOptions {
  config: Pick<Config, 'METRICS_TOKEN' | 'METRICS_ALLOW'>;
  metrics: Metrics;
}

/**
 * GET /metrics in Prometheus's text format, outside the /api scope (so off the API rate limit) and out
 * of the OpenAPI document. A scraper sends `Authorization: Bearer METRICS_TOKEN` or comes from an
 * address in METRICS_ALLOW; anyone else gets the same 404 as an unknown path, so the route is not
 * discoverable, and a wrong token gets 401.
 */
export async function metricsRoute(app: FastifyInstance, { config, metrics }: MetricsRouteOptions): Promise<void> {
  const allowed = allowList(config.METRICS_ALLOW);
  const token = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : null;

  function access(request: FastifyRequest): 'granted' | 'wrong-token' | 'hidden' {
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (token && bearer !== undefined) return timingSafeEqual(digest(bearer), token) ? 'granted' : 'wrong-token';
    return isAllowed(allowed, request.ip) ? 'granted' : 'hidden';
  }

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const verdict = access(request);
    if (verdict === 'hidden') return reply.callNotFound();
    if (verdict === 'wrong-token') {
      return sendProblem(
        reply.header('www-authenticate', 'Bearer'),
        request,
        new AppError('unauthenticated', 'Send the metrics token as a bearer token.'),
      );
    }
    return reply
      .header('cache-control', 'no-store')
      .type(metrics.registry.contentType)
      .send(await metrics.registry.metrics());
  });
}

// Hashing first gives both sides one length, which timingSafeEqual needs, and hides the token's length.
const digest = (value: string) => createHash('sha256').update(value).digest();

function allowList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(address, Number(prefix), isIPv4(address) ? 'ipv4' : 'ipv6');
  }
  return list;
}

function isAllowed(list: BlockList, ip: string): boolean {
  // A dual-stack listener reports IPv4 callers as ::ffff:a.b.c.d.
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (v4) return list.check(v4, 'ipv4');
  return list.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
}
