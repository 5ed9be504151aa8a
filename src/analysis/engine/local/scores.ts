import {
  CONCERNS,
  concernScores,
  REGIONS,
  type Concern,
  type ConcernResult,
  type Region,
  type SkinType,
} from '../../skin-analyzer.ts';
import type { RegionMeasure } from './skin-measures.ts';

/*
 * Calibration: a raw measure m becomes a 1–100 score (higher is healthier) by
 *   score = 1 + 99 / (1 + (m / half)^steepness)
 * so m = 0 scores 100, m = half scores 50, and the score falls smoothly and never below 1.
 * `half` is the raw value at which a concern is plainly visible on a face photo at the analysis scale
 * (0.4 mm a pixel); it is a judgement, checked against the sample faces, not fitted to them: those are
 * young women with make-up in soft, 2× enlarged crops, and per region they measured redness median
 * 2.4 (p75 5.2); pigmentation median 0 (p75 0.02); dark circles median 10% (p75 19%); texture median
 * 0.19 (p75 0.24); fine lines median 0.04 (p75 0.05, max 0.15 over 18 faces); pores 0 (max 2.3); shine
 * 0% (p75 0%, one brightly lit face 75%); evenness median 1.4 (p75 1.9); blemishes 0 (max 11).
 * Painted blemishes, shaded under-eyes and lines drawn across the forehead in the tests move the
 * scores by 10–80 points.
 */
export const CALIBRATION: Record<Concern, { half: number; steepness: number; unit: string }> = {
  // Mean a* above what the person's least-red skin hue (25th percentile of a* to b* on their face) predicts.
  redness: { half: 9, steepness: 2, unit: 'a* above own hue line' },
  // Mean darkening beyond 3 L* of spots against the skin around them (4 mm), per pixel of the region.
  pigmentation: { half: 0.5, steepness: 1.5, unit: 'L* of spot contrast per pixel' },
  // % darker (L*) than the same-side cheek, plus a quarter of the % of yellowness (b*) lost.
  dark_circles: { half: 20, steepness: 2, unit: '% darker than the cheek' },
  // Mean |L* − its 5×5 (≈2 mm) average|: roughness, grain, visible pores (and lines, which wrinkles isolates).
  texture: { half: 1, steepness: 2, unit: 'L* of fine detail' },
  // Mean √ of the coherence-weighted oriented energy of dark fine detail (skin-measures.ts). Half is
  // three faint lines across the forehead (1 px ≈ 0.4 mm wide, 30% dark ink: 0.42–0.53 on the test
  // faces); the same lines 1.5 px wide at 45% measured 0.9–1.1, 48 dots of that ink 0.15–0.16.
  wrinkles: { half: 0.5, steepness: 2, unit: 'L*/px of line gradient' },
  // Dark dots of 0.3–1.6 mm² per 1000 skin pixels (≈1.6 cm²).
  pores: { half: 3, steepness: 1.5, unit: 'dots per 1000 px' },
  // Share of the region covered by specular shine (bright, less saturated than the skin), in percent.
  oiliness: { half: 15, steepness: 1.5, unit: '% shine' },
  // RMS of 2–12 mm variations of L* and a* (blotchiness, uneven tone).
  evenness: { half: 4, steepness: 2, unit: 'ΔE of blotches' },
  // Red blobs of 1–64 mm² per 10,000 skin pixels (≈16 cm²).
  acne: { half: 8, steepness: 1.5, unit: 'blemishes per 10,000 px' },
};

/** How much each concern weighs in the overall score (blemishes and tone matter most to customers). */
export const OVERALL_WEIGHTS: Record<Concern, number> = {
  redness: 1,
  pigmentation: 1,
  dark_circles: 0.75,
  texture: 1,
  wrinkles: 1,
  pores: 0.75,
  oiliness: 0.5,
  evenness: 1,
  acne: 1.25,
};

export function scoreOf(concern: Concern, raw: number): number {
  const { half, steepness } = CALIBRATION[concern];
  const score = 1 + 99 / (1 + (Math.max(0, raw) / half) ** steepness);
  return Math.round(Math.min(100, Math.max(1, score)));
}

function weightedMean(
  regions: Record<Region, RegionMeasure>,
  concern: Concern,
  among: readonly Region[] = REGIONS,
): number | null {
  let sum = 0;
  let weight = 0;
  for (const region of among) {
    const value = regions[region].values[concern];
    if (value === null) continue;
    sum += value * regions[region].pixels;
    weight += regions[region].pixels;
  }
  return weight > 0 ? sum / weight : null;
}

export interface ConcernScores {
  concerns: Record<Concern, ConcernResult>;
  /** Raw whole-face measure per concern (pixel-weighted over its regions), for reports and tests. */
  raw: Record<Concern, number | null>;
}

export function scoreConcerns(regions: Record<Region, RegionMeasure>): ConcernScores {
  const concerns = {} as Record<Concern, ConcernResult>;
  const raw = {} as Record<Concern, number | null>;
  for (const concern of CONCERNS) {
    const perRegion: Partial<Record<Region, number>> = {};
    for (const region of REGIONS) {
      const value = regions[region].values[concern];
      if (value !== null) perRegion[region] = scoreOf(concern, value);
    }
    const whole = weightedMean(regions, concern);
    raw[concern] = whole;
    // A concern with no visible region (a face turned away, hair over it) is not measured: no score.
    concerns[concern] =
      whole === null
        ? { score: null, notMeasured: 'region-not-visible', regions: perRegion }
        : { score: scoreOf(concern, whole), regions: perRegion };
  }
  return { concerns, raw };
}

/** The weighted mean of the concerns measured; a concern not measured counts for nothing rather than for a guess. */
export function overallScore(concerns: Record<Concern, ConcernResult>): number {
  let sum = 0;
  let weight = 0;
  for (const [concern, score] of Object.entries(concernScores(concerns)) as [Concern, number][]) {
    sum += score * OVERALL_WEIGHTS[concern];
    weight += OVERALL_WEIGHTS[concern];
  }
  // The gate passed one visible face, so its cheeks at least are measured; nothing measured is a defect.
  if (weight === 0) throw new Error('no concern could be measured on a face the quality gate passed');
  return Math.round(sum / weight);
}

/**
 * Skin type from shine by zone and from roughness: the T-zone (forehead, nose, chin) shines first on
 * oily skin; shine on the cheeks as well means oily, on the T-zone only combination; no shine with
 * rough cheeks means dry. Thresholds in % of shine (see CALIBRATION.oiliness) and texture units.
 */
export const T_ZONE_OILY_SHINE = 8;
export const CHEEKS_OILY_SHINE = 5;
export const DRY_MAX_SHINE = 1;
export const DRY_MIN_CHEEK_TEXTURE = 0.6;

export function skinTypeOf(regions: Record<Region, RegionMeasure>): SkinType {
  const tZone = weightedMean(regions, 'oiliness', ['forehead', 'nose', 'chin']) ?? 0;
  const cheeks = weightedMean(regions, 'oiliness', ['left_cheek', 'right_cheek']) ?? 0;
  const cheekTexture = weightedMean(regions, 'texture', ['left_cheek', 'right_cheek']) ?? 0;
  if (tZone >= T_ZONE_OILY_SHINE) return cheeks >= CHEEKS_OILY_SHINE ? 'oily' : 'combination';
  if (tZone < DRY_MAX_SHINE && cheeks < DRY_MAX_SHINE && cheekTexture >= DRY_MIN_CHEEK_TEXTURE) return 'dry';
  return 'normal';
}

/**
 * Skin age, i.e. apparent age: the face model's estimate of the person's age from the photo (not a
 * measure of the skin itself), moved by how the skin compares with a typical face of that age (score
 * 80; a concern not measured moves nothing): each fine-lines point below 80 adds 0.12 years,
 * pigmentation 0.08, texture and dark circles 0.05; the shift is held to −5…+10 years so the skin measures refine the model's
 * estimate rather than replace it. Null when the model gave no age.
 * Lines are the most visible sign of skin ageing, so they take the weight texture had while it stood
 * in for them; texture still rises with every line, so it keeps only a small share for roughness.
 */
export const SKIN_AGE_TYPICAL_SCORE = 80;
const SKIN_AGE_WEIGHTS: Partial<Record<Concern, number>> = {
  wrinkles: 0.12,
  pigmentation: 0.08,
  texture: 0.05,
  dark_circles: 0.05,
};
const SKIN_AGE_SHIFT: [number, number] = [-5, 10];

export function skinAgeOf(modelAge: number | null, concerns: Record<Concern, ConcernResult>): number | null {
  if (modelAge === null) return null;
  let shift = 0;
  const scores = concernScores(concerns);
  for (const [concern, weight] of Object.entries(SKIN_AGE_WEIGHTS) as [Concern, number][])
    shift += weight * (SKIN_AGE_TYPICAL_SCORE - (scores[concern] ?? SKIN_AGE_TYPICAL_SCORE));
  shift = Math.min(SKIN_AGE_SHIFT[1], Math.max(SKIN_AGE_SHIFT[0], shift));
  return Math.round(Math.max(10, modelAge + shift));
}
