import { collectDefaultMetrics, Registry } from 'prom-client';
import { defineAnalysisMetrics, type AnalysisMetrics } from './analysis-metrics.ts';
import { defineCacheMetrics, type CacheMetrics } from './cache-metrics.ts';
import { defineDatabaseMetrics, type DatabaseMetrics } from './database-metrics.ts';
import { defineHttpMetrics, type HttpMetrics } from './http-metrics.ts';
import { defineJobMetrics, type JobMetrics } from './job-metrics.ts';
import { defineLiveStreamMetrics, type LiveStreamMetrics } from './live-stream-metrics.ts';
import { defineStorageMetrics, type StorageMetrics } from './storage-metrics.ts';

/**
 * Every figure this process exposes at /metrics, grouped by domain. A domain adds its figures with a
 * `define<Domain>Metrics(registry)` in its own file and one field here; code reaches them through the
 * Runtime (services, jobs) or `app.metrics` (routes).
 */
export interface Metrics {
  registry: Registry;
  http: HttpMetrics;
  database: DatabaseMetrics;
  liveStreams: LiveStreamMetrics;
  jobs: JobMetrics;
  analyses: AnalysisMetrics;
  cache: CacheMetrics;
  storage: StorageMetrics;
}

/**
 * A registry of its own per runtime rather than prom-client's global one: tests build several apps
 * in one process, and each must count only its own requests and pools without "already registered".
 */
export function createMetrics({ processMetrics = true } = {}): Metrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    http: defineHttpMetrics(registry),
    database: defineDatabaseMetrics(registry),
    liveStreams: defineLiveStreamMetrics(registry),
    jobs: defineJobMetrics(registry),
    analyses: defineAnalysisMetrics(registry),
    cache: defineCacheMetrics(registry),
    storage: defineStorageMetrics(registry),
  };
}
