import { describe, expect, it } from 'vitest';
import { skinToneOf } from '../../src/analysis/engine/local/colour.ts';
import { overallScore, scoreConcerns, skinAgeOf } from '../../src/analysis/engine/local/scores.ts';
import type { RegionMeasure } from '../../src/analysis/engine/local/skin-measures.ts';
import { CONCERNS, concernScores, REGIONS, type Concern, type Region } from '../../src/analysis/skin-analyzer.ts';

/** Regions with every concern at `raw` where it is measured (dark circles under the eyes only), except those `hidden`. */
function regions(raw: number, hidden: readonly Region[]): Record<Region, RegionMeasure> {
  const measured = (region: Region, concern: Concern) =>
    !hidden.includes(region) && (concern !== 'dark_circles' || region.startsWith('under_eye'));
  return Object.fromEntries(
    REGIONS.map((region) => [
      region,
      {
        pixels: hidden.includes(region) ? 0 : 1000,
        coverage: hidden.includes(region) ? 0 : 1,
        values: Object.fromEntries(CONCERNS.map((c) => [c, measured(region, c) ? raw : null])) as Record<Concern, number | null>,
      },
    ]),
  ) as Record<Region, RegionMeasure>;
}

describe('local scores', () => {
  it('gives a concern with no visible region no score and the reason, never a neutral 50, and leaves it out of the overall score', () => {
    const { concerns } = scoreConcerns(regions(0, ['under_eye_left', 'under_eye_right']));
    // Dark circles are measured under the eyes only: with both hidden there is nothing to score.
    expect(CONCERNS.filter((c) => concerns[c].score === null)).toEqual(['dark_circles']);
    expect(concerns.dark_circles).toEqual({ score: null, notMeasured: 'region-not-visible', regions: {} });
    expect(concernScores(concerns)).not.toHaveProperty('dark_circles');
    // Every measured concern scores 100 at a raw 0, so the overall is 100: no 50 pulled it down.
    expect(overallScore(concerns)).toBe(100);
    // Lines, spots and texture at 100 move a 30-year-old face to its floor of −5; dark circles add nothing.
    expect(skinAgeOf(30, concerns)).toBe(25);
  });

  it('names the skin-tone band of an ITA° on the standard scale', () => {
    expect([60, 55, 41.2, 41, 28, 27.9, 10, -29.9, -30, -45].map((ita) => skinToneOf(ita)!.band)).toEqual([
      'very-light',
      'light',
      'light',
      'intermediate',
      'tan',
      'tan',
      'brown',
      'brown',
      'dark',
      'dark',
    ]);
    expect(skinToneOf(null)).toBeNull();
  });
});
