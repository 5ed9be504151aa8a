/**
 * Traces are exported when an OTLP endpoint is configured (for all signals or for traces alone), as
 * the OpenTelemetry specification names them, unless OTEL_SDK_DISABLED turns the SDK off.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}
