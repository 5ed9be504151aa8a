import { describe, expect, it } from 'vitest';
import { addHistograms, histogramChange, quantile } from '../../src/system/node-snapshot.ts';

describe('latency quantiles from histogram buckets', () => {
  const histogram = { bounds: [0.1, 0.5, 1], counts: [2, 6, 8, 10] };

  it('interpolate inside the bucket that holds the rank, as Prometheus does', () => {
    expect(quantile(0.5, histogram)).toBeCloseTo(0.4, 10);
    expect(quantile(0.1, histogram)).toBeCloseTo(0.05, 10);
  });

  it('stop at the last finite bound when the rank lies beyond it', () => {
    expect(quantile(0.95, histogram)).toBe(1);
  });

  it('say nothing without observations', () => {
    expect(quantile(0.5, { bounds: [0.1, 0.5, 1], counts: [0, 0, 0, 0] })).toBeNull();
    expect(quantile(0.5, null)).toBeNull();
  });

  it('take the observations between two readings, and add several processes together', () => {
    const later = { bounds: [0.1, 0.5, 1], counts: [3, 9, 12, 15] };
    const window = histogramChange(histogram, later);
    expect(window.counts).toEqual([1, 3, 4, 5]);
    expect(addHistograms([window, histogram])?.counts).toEqual([3, 9, 12, 15]);
    expect(addHistograms([{ bounds: [], counts: [0] }])).toBeNull();
  });
});
