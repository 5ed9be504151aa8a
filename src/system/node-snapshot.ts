import { z } from 'zod';
import type { HistogramCounts, NodeReading } from './node-figures.ts';

const Histogram = z.object({ bounds: z.array(z.number()), counts: z.array(z.number()) });

/** Who a process is; fixed for its life. */
const NodeIdentity = z.object({
  id: z.string(),
  role: z.enum(['api', 'worker', 'all']),
  host: z.string(),
  pid: z.number().int(),
  startedAt: z.iso.datetime(),
});
export type NodeIdentity = z.infer<typeof NodeIdentity>;

/**
 * What a process publishes: its figures now, and what changed since its previous reading (the
 * window), so that rates and latencies are differences of real counters, never guesses, and windows
 * of several processes add up. Checked when read back: during a rolling deploy, a process of another
 * version may publish another shape, and it must drop out of the page rather than break it.
 */
export const NodeSnapshot = NodeIdentity.extend({
  takenAt: z.iso.datetime(),
  windowSeconds: z.number().min(0),
  requestsTotal: z.number().min(0),
  serverErrorsTotal: z.number().min(0),
  inFlight: z.number().min(0),
  window: z.object({ requests: z.number(), serverErrors: z.number(), duration: Histogram, cpuSeconds: z.number() }),
  pools: z.array(z.object({ pool: z.string(), total: z.number(), idle: z.number(), waiting: z.number(), wait: Histogram })),
  redisFallback: z.boolean(),
  sseOpenStreams: z.number().min(0),
  residentMemoryBytes: z.number().min(0),
});
export type NodeSnapshot = z.infer<typeof NodeSnapshot>;

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
