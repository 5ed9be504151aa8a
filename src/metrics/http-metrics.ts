import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Overloaded, TooManyRequests } from '../errors/app-error.ts';
import { problemType } from '../errors/problem-catalogue.ts';
import type { Metrics } from './metrics.ts';

export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status_class'>;
  duration: Histogram<'method' | 'route' | 'status_class'>;
  /** Counts a request in flight until its response closes: finished, or its client gone early. */
  requestReceived(response: ServerResponse): void;
  problems: Counter<'type'>;
  rateLimited: Counter<'limiter'>;
  shed: Counter<'reason'>;
}

/** The route label of a request no route matched: raw URLs would give one series per scanner probe. */
export const UNMATCHED_ROUTE = 'unmatched';

export function defineHttpMetrics(registry: Registry): HttpMetrics {
  const labelNames = ['method', 'route', 'status_class'] as const;
  // A plain number read at each scrape: a gauge's inc and dec would look up its (empty) label set twice a request.
  let inFlight = 0;
  const responseClosed = () => inFlight--;
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests received and not yet answered',
    registers: [registry],
    collect() {
      this.set(inFlight);
    },
  });
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
    requestReceived(response) {
      inFlight++;
      // 'close' fires once, for a finished response and for a client gone early alike, so the count cannot drift.
      response.on('close', responseClosed);
    },
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
  const { requests, duration, requestReceived, problems, rateLimited, shed } = metrics.http;
  // Callback hooks rather than async ones: they run on every request, and an async hook costs Fastify a promise each.
  app.addHook('onRequest', (_request, reply, done) => {
    requestReceived(reply.raw);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_class: statusClass(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    const problem = request.problem;
    if (problem) problems.inc({ type: problemType(problem.code) });
    // A 429 that none of our limits raised (a plugin's own) still counts, as `other`.
    if (reply.statusCode === 429) rateLimited.inc({ limiter: problem instanceof TooManyRequests ? problem.limiter : 'other' });
    if (problem instanceof Overloaded) shed.inc({ reason: problem.reason });
    done();
  });
});

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];
const statusClass = (status: number) => STATUS_CLASSES[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
