import { describe, expect, it } from 'vitest';
import { daysOf, periodOf, periodParams, queryOf, type Period } from '../../web/src/period/period.ts';

const NOW = Date.parse('2026-05-11T03:00:00Z');

describe('the reporting period of clinic performance', () => {
  it('the last 7 days end today (UTC) and include it', () => {
    expect(daysOf({ kind: 'preset', days: 7 }, NOW)).toEqual({ from: '2026-05-05', to: '2026-05-11' });
  });

  it("a preset is asked of the API by its length, which ends it on each clinic's own today; a custom period by its days", () => {
    expect(queryOf({ kind: 'preset', days: 7 })).toEqual({ days: 7 });
    expect(queryOf({ kind: 'custom', from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2026-01-01', to: '2026-01-31' });
  });

  it('a custom period is kept as chosen', () => {
    expect(daysOf({ kind: 'custom', from: '2026-01-01', to: '2026-01-31' }, NOW)).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
    });
  });

  it('a page without parameters shows the last 30 days, and a bookmark of it needs none', () => {
    const period = periodOf(new URLSearchParams());
    expect(period).toEqual({ kind: 'preset', days: 30 });
    expect(periodParams(period)).toEqual({ days: null, from: null, to: null });
  });

  it('an unknown preset or a malformed date falls back to the default', () => {
    expect(periodOf(new URLSearchParams('days=12'))).toEqual({ kind: 'preset', days: 30 });
    expect(periodOf(new URLSearchParams('from=2026-1-1&to=2026-01-31'))).toEqual({ kind: 'preset', days: 30 });
  });

  it('a period survives the round trip through the address bar', () => {
    const periods: Period[] = [
      { kind: 'preset', days: 7 },
      { kind: 'preset', days: 90 },
      { kind: 'custom', from: '2026-02-01', to: '2026-02-28' },
    ];
    for (const period of periods) {
      const params = Object.entries(periodParams(period)).filter((e): e is [string, string] => e[1] !== null);
      expect(periodOf(new URLSearchParams(params))).toEqual(period);
    }
  });
});
