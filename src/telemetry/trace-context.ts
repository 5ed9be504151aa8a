import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link, type Span } from '@opentelemetry/api';

// Everything here goes through @opentelemetry/api only: without the SDK (no OTLP endpoint) each call
// is a no-op on a non-recording span, so the app calls it unconditionally.
const tracer = trace.getTracer('beauty-with-ai-precision');

/** Where a job's data carries the W3C trace context of the request (or job) that sent it. */
export const TRACE_CONTEXT_FIELD = 'traceContext';

/** The active span's W3C trace context (`traceparent`, `tracestate`), or undefined when nothing is traced. */
export function activeTraceContext(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length ? carrier : undefined;
}

/** Trace and span ids of the active span, for log lines (pino mixin); empty when nothing is traced. */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  // Unsampled spans are exported nowhere: a trace id pointing at nothing would only mislead.
  return traceFlags & 1 ? { traceId, spanId } : {};
}

function ended<T>(span: Span, work: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    throw error;
  };
  let result: T;
  try {
    result = work();
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise)
    return result.then((value: unknown) => {
      span.end();
      return value;
    }, fail) as T;
  span.end();
  return result;
}

/** Runs `work` (sync or async) in a child span of the active one named `name`. */
export function inSpan<T>(name: string, work: () => T, attributes: Record<string, string | number> = {}): T {
  return tracer.startActiveSpan(name, { attributes }, (span) => ended(span, work));
}

/**
 * Runs a batch of jobs in a span of its own trace, linked to the trace of each request (or job) that
 * sent them: a job may run minutes later or be retried, so it starts a trace rather than stretching
 * the request's, and the link leads from one to the other.
 */
export function inJobSpan<T>(queue: string, jobs: { id: string; data: unknown }[], work: () => Promise<T>): Promise<T> {
  const links: Link[] = [];
  for (const job of jobs) {
    const carrier = (job.data as Record<string, unknown> | null)?.[TRACE_CONTEXT_FIELD];
    if (!carrier || typeof carrier !== 'object') continue;
    const linked = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
    if (linked) links.push({ context: linked });
  }
  return tracer.startActiveSpan(
    `job ${queue}`,
    {
      root: true,
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'pg-boss',
        'messaging.operation.type': 'process',
        'messaging.destination.name': queue,
        'messaging.batch.message_count': jobs.length,
        ...(jobs.length === 1 ? { 'messaging.message.id': jobs[0]!.id } : {}),
      },
    },
    (span) => ended(span, work),
  );
}

/** Sends the spans still buffered: called last at shutdown, since the process exits right after. */
export async function flushTraces(): Promise<void> {
  let provider: unknown = trace.getTracerProvider();
  // The API hands out a proxy; the SDK's provider behind it is the one holding the batch.
  if (provider && typeof (provider as { getDelegate?: unknown }).getDelegate === 'function')
    provider = (provider as { getDelegate(): unknown }).getDelegate();
  const flush = (provider as { forceFlush?: () => Promise<void> }).forceFlush;
  if (typeof flush === 'function') await flush.call(provider);
}
