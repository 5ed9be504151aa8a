import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Overloaded, TooManyRequests } from '../errors/app-error.ts';
import { problemType } from '../errors/problem-catalogue.ts';
import type { Metrics } from './metrics.ts';

export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status_class'>;
  duration: Histogram<'method' | 'route' | 'status_class'>;
  inFlight: Gauge;
  problems: Counter<'type'>;
  rateLimited: Counter<'limiter'>;
  shed: Counter<'reason'>;
}

/** The route label of a request no route matched: raw URLs would give one series per scanner probe. */
export const UNMATCHED_ROUTE = 'unmatched';

export function defineHttpMetrics(registry: Registry): HttpMetrics {
  const labelNames = ['method', 'route', 'status_class'] as const;
  return {
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status class',
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from a request arriving to its response finishing (a stream: its whole life)',
      labelNames,
      // Dense around the 200 ms target, so p99 against it is read from a bucket edge, not interpolated.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests received and not yet answered',
      registers: [registry],
    }),
    problems: new Counter({
      name: 'http_problem_responses_total',
      help: 'problem+json responses, by problem type',
      labelNames: ['type'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'http_rate_limited_total',
      help: 'Requests refused with 429, by the limit that refused them',
      labelNames: ['limiter'],
      registers: [registry],
    }),
    shed: new Counter({
      name: 'http_requests_shed_total',
      help: 'Requests answered 503 overloaded because the database pool was saturated, by reason (queue-full, waited-too-long)',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's figures, for any route plugin that counts something of its own. */
    metrics: Metrics;
  }
}

/**
 * Counts every request at the root, so routes of every scope are measured. Labels are the route
 * template (`/api/customers/:id`), never the URL, and never a clinic, user or email.
 */
export const httpMetrics = fp<{ metrics: Metrics }>(async (app: FastifyInstance, { metrics }) => {
  app.decorate('metrics', metrics);
  const { requests, duration, inFlight, problems, rateLimited, shed } = metrics.http;
  app.addHook('onRequest', async (_request, reply) => {
    inFlight.inc();
    // 'close' fires for a finished response and for a client gone early alike, so the gauge cannot drift.
    reply.raw.once('close', () => inFlight.dec());
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    const problem = request.problem;
    if (problem) problems.inc({ type: problemType(problem.code) });
    // A 429 that none of our limits raised (a plugin's own) still counts, as `other`.
    if (reply.statusCode === 429) rateLimited.inc({ limiter: problem instanceof TooManyRequests ? problem.limiter : 'other' });
    if (problem instanceof Overloaded) shed.inc({ reason: problem.reason });
  });
});
