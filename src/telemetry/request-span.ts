import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

// The server span of each request, made here rather than by the http instrumentation, whose work per
// request (wrapping the request's and response's emitters, reading its options from the environment,
// attributes for every header it knows) was the largest single cost of tracing on
// `npm run bench:observability`. Outgoing HTTP (OpenAI, Sentry) keeps the http instrumentation's spans.

const tracer = trace.getTracer('beauty-with-ai-precision');

/** Paths polled by probes and scrapers: one trace each would drown the requests people make. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** A search (`?q=`) is often a customer's name, phone or email: its value never reaches a span. */
const REDACTED_QUERY_PARAMS = new Set(['q']);

/** The parts of a Fastify instance and its requests that tracing uses. */
export interface TracedFastify {
  server: Server;
  addHook(name: 'onRequest', hook: (request: RoutedRequest, reply: unknown, done: () => void) => void): unknown;
}

interface RoutedRequest {
  method: string;
  ip: string;
  protocol: string;
  routeOptions: { url?: string };
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Serves each request of `fastify` under its server span, the child of the caller's W3C `traceparent`
 * when it sends one. The span starts before Fastify sees the request, so its own "incoming request"
 * log line carries the trace id; a hook names it for the route once routing is done. A request the
 * sampler leaves out runs with tracing suppressed and no span in its context: the pg and ioredis
 * instrumentations (`requireParentSpan`) then call their driver straight, and the app's own spans
 * (storage) start no trace of their own, so an unsampled request costs one sampling decision.
 * Known gap: the extra servers Fastify opens when told to listen on `localhost` (IPv4 and IPv6 both)
 * are not traced.
 */
export function traceRequests(fastify: TracedFastify): void {
  const { server } = fastify;
  for (const listener of server.listeners('request') as RequestListener[]) {
    server.removeListener('request', listener);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => served(request, response, listener));
  }
  fastify.addHook('onRequest', (request, _reply, done) => {
    const span = trace.getActiveSpan();
    const route = request.routeOptions.url;
    if (span?.isRecording()) {
      if (route !== undefined) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
      // Behind a proxy these come from its forwarding headers, which Fastify reads as TRUST_PROXY allows.
      span.setAttribute('client.address', request.ip).setAttribute('url.scheme', request.protocol);
    }
    done();
  });
}

function served(request: IncomingMessage, response: ServerResponse, listener: RequestListener): void {
  const url = request.url ?? '/';
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  if (UNTRACED_PATHS.has(path)) return listener(request, response);
  const caller = propagation.extract(ROOT_CONTEXT, request.headers);
  const method = request.method ?? 'GET';
  // The sampler is given the method alone: the other attributes are built only for a span it keeps.
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, caller);
  if (!span.isRecording()) return context.with(suppressTracing(ROOT_CONTEXT), listener, undefined, request, response);
  span.setAttribute('url.path', path).setAttribute('network.protocol.version', request.httpVersion);
  if (at !== -1) span.setAttribute('url.query', redactedQuery(url.slice(at + 1)));
  const userAgent = request.headers['user-agent'];
  if (userAgent) span.setAttribute('user_agent.original', userAgent);
  // 'close' also comes when the client leaves before the answer, which 'finish' would miss.
  response.once('close', () => ended(span, response));
  context.with(trace.setSpan(caller, span), listener, undefined, request, response);
}

/** The query string as sent, with the values of the redacted parameters replaced by REDACTED. */
function redactedQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at === -1) return pair;
      const name = pair.slice(0, at);
      return REDACTED_QUERY_PARAMS.has(decodedName(name)) ? `${name}=REDACTED` : pair;
    })
    .join('&');
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function ended(span: Span, response: ServerResponse): void {
  if (!response.writableFinished) {
    span.setAttribute('error.type', 'client closed the connection');
    span.setStatus({ code: SpanStatusCode.ERROR });
  } else {
    span.setAttribute('http.response.status_code', response.statusCode);
    // As the semantic conventions have it: a 4xx is the client's doing, only a 5xx fails the server span.
    if (response.statusCode >= 500) {
      span.setAttribute('error.type', String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}
