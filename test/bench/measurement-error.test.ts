import { describe, expect, it } from 'vitest';
import { MDC_FACTOR, repeatability } from '../../bench/skin-analysis/measurement-error.ts';

describe('repeatability of repeated captures', () => {
  it('pools the within-subject variance by degrees of freedom and scales it to the minimum detectable change', () => {
    // Subject a: mean 72, squares 8 over 2 df; subject b: mean 41, squares 2 over 1 df. Pooled: sqrt(10 / 3).
    const result = repeatability([
      { subject: 'a', scores: [70, 72, 74] },
      { subject: 'b', scores: [40, 42] },
    ]);
    expect(result.sd).toBeCloseTo(Math.sqrt(10 / 3), 10);
    expect(result.mdc).toBeCloseTo(2.77 * Math.sqrt(10 / 3), 1);
    expect(result.mdc / result.sd).toBeCloseTo(MDC_FACTOR, 10);
    expect(result.worstSubjectSd).toBeCloseTo(2, 10);
    expect(result).toMatchObject({ subjects: 2, captures: 5, notMeasured: 0 });
  });

  it('leaves unmeasured captures out and counts them, and a subject measured once adds nothing', () => {
    const result = repeatability([
      { subject: 'a', scores: [60, null, 64] },
      { subject: 'b', scores: [null, 50] },
    ]);
    expect(result.sd).toBeCloseTo(Math.sqrt(8), 10);
    expect(result).toMatchObject({ subjects: 1, captures: 2, notMeasured: 2 });
  });

  it('says nothing (NaN) when no subject was measured twice, rather than a perfect zero', () => {
    const result = repeatability([{ subject: 'a', scores: [55, null] }]);
    expect(result.sd).toBeNaN();
    expect(result.mdc).toBeNaN();
  });
});
