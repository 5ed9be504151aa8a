// Loaded with `node --import` before the app: tracing must patch pg, ioredis, http and the AWS SDK
// before the app's modules import them. Without an OTLP endpoint (for all signals or for traces alone,
// as OpenTelemetry names them) it returns at once and the SDK, with its 160 MB of instrumentations, is
// never read from disk. OTEL_SDK_DISABLED=true turns it off as the specification says.
const { OTEL_SDK_DISABLED, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT } = process.env;

if (OTEL_SDK_DISABLED?.toLowerCase() !== 'true' && (OTEL_EXPORTER_OTLP_ENDPOINT || OTEL_EXPORTER_OTLP_TRACES_ENDPOINT))
  await import('./tracing-sdk.ts');
