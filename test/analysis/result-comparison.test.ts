import { describe, expect, it } from 'vitest';
import { minimumDetectableChange, type ScoreName } from '../../src/analysis/engine/measurement-error.ts';
import { LOCAL_MODEL_VERSION } from '../../src/analysis/engine/model-version.ts';
import { compareResults } from '../../src/analysis/result-comparison.ts';
import { CONCERNS, type ConcernResult, type SkinAnalysisResult } from '../../src/analysis/skin-analyzer.ts';

type Compared = Pick<SkinAnalysisResult, 'provider' | 'modelVersion' | 'overallScore' | 'concerns'>;

const measured = (score: number): ConcernResult => ({ score, regions: {} });
function result(overrides: Partial<Compared> & { scores?: Partial<Record<string, number | null>> } = {}): Compared {
  const scores = overrides.scores ?? {};
  return {
    provider: overrides.provider ?? 'local',
    modelVersion: overrides.modelVersion ?? LOCAL_MODEL_VERSION,
    overallScore: overrides.overallScore ?? 70,
    concerns: Object.fromEntries(
      CONCERNS.map((c) => [
        c,
        scores[c] === null ? { score: null, notMeasured: 'region-not-visible', regions: {} } : measured(scores[c] ?? 70),
      ]),
    ) as Compared['concerns'],
  };
}
const mdc = (score: ScoreName) => minimumDetectableChange(LOCAL_MODEL_VERSION, score)!;

describe('comparing two results', () => {
  it("this analyser version's measurement error is measured for the overall score and every concern", () => {
    // A new analyser version (a changed measure or an upgraded face model) needs `npm run bench:repeatability
    // -- --write-table` before release: without it, no page can tell change from noise.
    for (const score of ['overall', ...CONCERNS] as const)
      expect(minimumDetectableChange(LOCAL_MODEL_VERSION, score), score).toBeGreaterThan(0);
  });

  it('a change at least the MDC is meaningful, a smaller one is not, in either direction', () => {
    // Scores are whole points: the smallest meaningful change, and the largest that is not.
    const m = Math.ceil(mdc('redness'));
    const below = m - 1;
    const up = compareResults(result({ scores: { redness: 50 } }), result({ scores: { redness: 50 + m } }));
    expect(up.comparable).toBe(true);
    expect(up.concerns.find((c) => c.concern === 'redness')).toMatchObject({
      a: 50,
      b: 50 + m,
      change: m,
      meaningful: true,
      mdc: mdc('redness'),
    });
    const down = compareResults(result({ scores: { redness: 50 } }), result({ scores: { redness: 50 - m } }));
    expect(down.concerns.find((c) => c.concern === 'redness')).toMatchObject({ change: -m, meaningful: true });
    const small = compareResults(result({ scores: { redness: 50 } }), result({ scores: { redness: 50 + below } }));
    expect(small.concerns.find((c) => c.concern === 'redness')).toMatchObject({ change: below, meaningful: false });
  });

  it('results of different analyser versions or providers are not comparable: scores shown, no change', () => {
    for (const b of [result({ modelVersion: 'local-cv-0.9+older' }), result({ provider: 'openai', modelVersion: 'gpt-4o' })]) {
      const comparison = compareResults(result({ overallScore: 60 }), { ...b, overallScore: 80 });
      expect(comparison.comparable).toBe(false);
      expect(comparison.overall).toEqual({ a: 60, b: 80, change: null, mdc: null, meaningful: null });
      expect(comparison.concerns.every((c) => c.change === null && c.meaningful === null)).toBe(true);
    }
  });

  it('an analyser version whose error was never measured gets a change but no verdict', () => {
    const version = 'local-cv-9.9+unmeasured';
    const comparison = compareResults(
      result({ modelVersion: version, overallScore: 60 }),
      result({ modelVersion: version, overallScore: 75 }),
    );
    expect(comparison.overall).toEqual({ a: 60, b: 75, change: 15, mdc: null, meaningful: null });
  });

  it('only concerns both results measured are compared', () => {
    const comparison = compareResults(result({ scores: { pores: null } }), result());
    expect(comparison.concerns.map((c) => c.concern)).not.toContain('pores');
    expect(comparison.concerns).toHaveLength(CONCERNS.length - 1);
  });
});
