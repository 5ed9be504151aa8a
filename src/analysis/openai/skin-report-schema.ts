import { z } from 'zod';
import {
  CONCERNS,
  SKIN_TYPES,
  WRINKLE_REGIONS,
  type Concern,
  type ConcernResult,
  type Region,
  type SkinAnalysisResult,
} from '../skin-analyzer.ts';

/**
 * What the vision model is asked to return. The JSON schema sent with the request is generated from
 * this, so it stays inside strict structured output's subset: every field required, "absent" as
 * null, no additional properties.
 *
 * Numeric ranges are stated in descriptions rather than as `minimum`/`maximum`: not every model or
 * compatible endpoint accepts those keywords in a strict schema, and a schema error would fail every
 * analysis. The ranges are enforced here instead, by clamping (see toSkinAnalysisResult).
 */
const score = z.number().describe('1 (severe) to 100 (no visible concern): higher is healthier');
const regionScore = score.nullable().describe('1 to 100 like the overall score; null when the region is not visible');

const FACE_REGIONS = ['forehead', 'left_cheek', 'right_cheek', 'nose', 'chin'] as const satisfies readonly Region[];
const UNDER_EYE_REGIONS = ['under_eye_left', 'under_eye_right'] as const satisfies readonly Region[];

function concernOver<R extends Region>(regions: readonly R[], what: string) {
  const regionShape = Object.fromEntries(regions.map((region) => [region, regionScore])) as Record<R, typeof regionScore>;
  return z.object({ score, regions: z.object(regionShape) }).describe(what);
}

const concernsShape = {
  redness: concernOver(FACE_REGIONS, 'diffuse redness, flushing, visible small vessels'),
  pigmentation: concernOver(FACE_REGIONS, 'dark spots, sun spots, melasma'),
  dark_circles: concernOver(UNDER_EYE_REGIONS, 'darkness and hollowness under the eyes'),
  texture: concernOver(FACE_REGIONS, 'roughness, uneven surface'),
  wrinkles: concernOver(WRINKLE_REGIONS, 'fine lines and wrinkles'),
  pores: concernOver(FACE_REGIONS, 'visibly enlarged pores'),
  oiliness: concernOver(FACE_REGIONS, 'shine and excess sebum'),
  evenness: concernOver(FACE_REGIONS, 'uneven overall tone'),
  acne: concernOver(FACE_REGIONS, 'active blemishes, papules, pustules, comedones'),
} satisfies Record<Concern, z.ZodType>;

export const SkinReportSchema = z.object({
  concerns: z.object(concernsShape),
  skin_type: z.enum(SKIN_TYPES),
  skin_age: z.number().nullable().describe('estimated age of the skin in years; null when it cannot be judged from the photo'),
  confidence: z
    .number()
    .describe('0 to 1: how far the photo (lighting, focus, angle, make-up, filters) allows a reliable assessment'),
});

export type SkinReport = z.infer<typeof SkinReportSchema>;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const clampScore = (value: number) => clamp(Math.round(value), 1, 100);

/**
 * Out-of-range numbers are clamped, not rejected: a model that slips to 0 or 101 on a 1–100 scale has
 * still answered, and rejecting would throw away a paid call that a retry would only repeat. A
 * missing field or a wrong type is rejected earlier, by the schema.
 */
export function toSkinAnalysisResult(report: SkinReport, modelVersion: string): SkinAnalysisResult {
  const concerns = Object.fromEntries(CONCERNS.map((concern) => [concern, toConcernResult(report.concerns[concern])])) as Record<
    Concern,
    ConcernResult
  >;
  // The model scores every concern (its schema requires it).
  const scores = CONCERNS.map((concern) => clampScore(report.concerns[concern].score));
  return {
    provider: 'openai',
    modelVersion,
    overallScore: clampScore(scores.reduce((sum, score) => sum + score, 0) / scores.length),
    concerns,
    skinType: report.skin_type,
    skinAge: report.skin_age === null ? null : clamp(Math.round(report.skin_age), 1, 120),
    confidence: clamp(report.confidence, 0, 1),
    heatmaps: {},
  };
}

function toConcernResult(concern: { score: number; regions: Partial<Record<Region, number | null>> }): ConcernResult {
  const regions: Partial<Record<Region, number>> = {};
  for (const [region, value] of Object.entries(concern.regions) as [Region, number | null | undefined][]) {
    if (typeof value === 'number') regions[region] = clampScore(value);
  }
  return { score: clampScore(concern.score), regions };
}
