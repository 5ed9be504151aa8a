import type { HistogramCounts, NodeReading } from './node-figures.ts';

export type NodeRole = 'api' | 'worker' | 'all';

/** Who a process is; fixed for its life. */
export interface NodeIdentity {
  id: string;
  role: NodeRole;
  host: string;
  pid: number;
  startedAt: string;
}

/**
 * What a process publishes: its figures now, and what changed since its previous reading (the
 * window), so that rates and latencies are differences of real counters, never guesses, and windows
 * of several processes add up.
 */
export interface NodeSnapshot extends NodeIdentity {
  takenAt: string;
  windowSeconds: number;
  requestsTotal: number;
  serverErrorsTotal: number;
  inFlight: number;
  window: { requests: number; serverErrors: number; duration: HistogramCounts; cpuSeconds: number };
  pools: { pool: string; total: number; idle: number; waiting: number; wait: HistogramCounts }[];
  redisFallback: boolean;
  sseOpenStreams: number;
  residentMemoryBytes: number;
}

export function snapshotBetween(identity: NodeIdentity, previous: NodeReading, current: NodeReading): NodeSnapshot {
  const before = new Map(previous.pools.map((p) => [p.pool, p]));
  return {
    ...identity,
    takenAt: new Date(current.at).toISOString(),
    windowSeconds: (current.at - previous.at) / 1000,
    requestsTotal: current.requests,
    serverErrorsTotal: current.serverErrors,
    inFlight: current.inFlight,
    window: {
      requests: current.requests - previous.requests,
      serverErrors: current.serverErrors - previous.serverErrors,
      duration: histogramChange(previous.duration, current.duration),
      cpuSeconds: current.cpuSeconds - previous.cpuSeconds,
    },
    pools: current.pools.map(({ wait, ...pool }) => ({ ...pool, wait: histogramChange(before.get(pool.pool)?.wait, wait) })),
    redisFallback: current.redisFallback,
    sseOpenStreams: current.sseOpenStreams,
    residentMemoryBytes: current.residentMemoryBytes,
  };
}

/** The observations made between two readings of one cumulative histogram. */
export function histogramChange(previous: HistogramCounts | undefined, current: HistogramCounts): HistogramCounts {
  return { bounds: current.bounds, counts: current.counts.map((count, i) => count - (previous?.counts[i] ?? 0)) };
}

/** Histograms of the same metric from several processes (same bounds, as they run the same code) as one. */
export function addHistograms(histograms: HistogramCounts[]): HistogramCounts | null {
  const first = histograms.find((h) => h.bounds.length > 0);
  if (!first) return null;
  const counts = first.counts.map(() => 0);
  for (const h of histograms) {
    if (h.bounds.length !== first.bounds.length) continue;
    h.counts.forEach((count, i) => (counts[i]! += count));
  }
  return { bounds: first.bounds, counts };
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside its bucket as Prometheus's
 * histogram_quantile does; null with no observations. Past the last finite bound the answer is that
 * bound: the histogram knows no more.
 */
export function quantile(q: number, histogram: HistogramCounts | null): number | null {
  if (!histogram) return null;
  const total = histogram.counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < histogram.bounds.length; i++) {
    const count = histogram.counts[i]!;
    if (count < rank) continue;
    const lower = i === 0 ? 0 : histogram.bounds[i - 1]!;
    const below = i === 0 ? 0 : histogram.counts[i - 1]!;
    const inBucket = count - below;
    return inBucket > 0 ? lower + (histogram.bounds[i]! - lower) * ((rank - below) / inBucket) : lower;
  }
  return histogram.bounds.at(-1) ?? null;
}
