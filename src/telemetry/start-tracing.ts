// Loaded with `node --import` before the app: tracing must patch pg, ioredis, http and the AWS SDK
// before the app's modules import them. Without an OTLP endpoint it returns at once and the SDK (and
// its 160 MB of instrumentations) is never read from disk.
import { tracingRequested } from './tracing-switch.ts';

if (tracingRequested(process.env)) await import('./tracing-sdk.ts');
