/** Percentiles of a set of timings in milliseconds, the summary every benchmark prints and writes. */
export interface Timing {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    min: round(sorted[0]!),
  };
}

export function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
