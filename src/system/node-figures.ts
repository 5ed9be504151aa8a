import type { MetricValue, Registry } from 'prom-client';

/**
 * A histogram as prom-client keeps it: cumulative counts per finite upper bound (`le`), then one more
 * for +Inf (every observation). JSON has no Infinity, hence the bound left implicit.
 */
export interface HistogramCounts {
  bounds: number[];
  counts: number[];
}

/** The cumulative figures of one process at one moment, read from its own registry. */
export interface NodeReading {
  /** Milliseconds since the epoch. */
  at: number;
  requests: number;
  serverErrors: number;
  inFlight: number;
  duration: HistogramCounts;
  pools: { pool: string; total: number; idle: number; waiting: number; wait: HistogramCounts }[];
  redisFallback: boolean;
  sseOpenStreams: number;
  residentMemoryBytes: number;
  /** CPU time the process has used since it started (user and system). */
  cpuSeconds: number;
}

// A live stream's request lasts as long as the stream (minutes): counted as a request, but kept out of
// the latency figure, where a handful of open progress streams would otherwise be the whole p95.
const STREAM_ROUTE = /\/events$/;

/**
 * Reads only the figures the System page shows, each through its metric's own `get()`, so a snapshot
 * never runs the job queue's collectors (its query) the way a whole-registry read would.
 */
export async function readNodeFigures(registry: Registry): Promise<NodeReading> {
  const values = async (name: string): Promise<MetricValue<string>[]> =>
    (await registry.getSingleMetric(name)?.get())?.values ?? [];
  // prom-client updates all three CPU counters in the user counter's collect only.
  await registry.getSingleMetric('process_cpu_user_seconds_total')?.get();
  const [requests, duration, inFlight, poolTotal, poolIdle, poolWaiting, poolWait, fallback, sse, memory, cpu] =
    await Promise.all(
      [
        'http_requests_total',
        'http_request_duration_seconds',
        'http_requests_in_flight',
        'db_pool_connections',
        'db_pool_idle_connections',
        'db_pool_waiting_clients',
        'db_pool_wait_seconds',
        'redis_fallback_active',
        'sse_open_streams',
        'process_resident_memory_bytes',
        'process_cpu_seconds_total',
      ].map(values),
    );
  const poolNames = [...new Set(poolTotal!.map((v) => String(v.labels.pool)))];
  const ofPool = (series: MetricValue<string>[], pool: string) => sum(series.filter((v) => v.labels.pool === pool));
  return {
    at: Date.now(),
    requests: sum(requests!),
    serverErrors: sum(requests!.filter((v) => v.labels.status_class === '5xx')),
    inFlight: sum(inFlight!),
    duration: histogramOf(duration!.filter((v) => !STREAM_ROUTE.test(String(v.labels.route ?? '')))),
    pools: poolNames.map((pool) => ({
      pool,
      total: ofPool(poolTotal!, pool),
      idle: ofPool(poolIdle!, pool),
      waiting: ofPool(poolWaiting!, pool),
      wait: histogramOf(poolWait!.filter((v) => v.labels.pool === pool)),
    })),
    redisFallback: sum(fallback!) > 0,
    sseOpenStreams: sum(sse!),
    residentMemoryBytes: sum(memory!),
    cpuSeconds: sum(cpu!),
  };
}

const sum = (series: MetricValue<string>[]) => series.reduce((total, v) => total + v.value, 0);

/** Adds up the `_bucket` series of every label set into one histogram (all share the metric's bounds). */
function histogramOf(series: MetricValue<string>[]): HistogramCounts {
  const byBound = new Map<number, number>();
  for (const v of series) {
    if (!(v as { metricName?: string }).metricName?.endsWith('_bucket')) continue;
    const bound = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + v.value);
  }
  const bounds = [...byBound.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  return { bounds, counts: [...bounds.map((b) => byBound.get(b)!), byBound.get(Infinity) ?? 0] };
}
