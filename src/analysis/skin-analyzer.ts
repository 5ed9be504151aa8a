/**
 * The one interface every skin-analysis provider implements (the built-in local analyser and the
 * OpenAI vision provider), and the result shape the API stores and serves.
 */

import type { FaceDetection, RgbImage } from './engine/face-model.ts';
import type { QualityMeasures } from './engine/quality-gate.ts';

export const CONCERNS = [
  'redness',
  'pigmentation',
  'dark_circles',
  'texture',
  'wrinkles',
  'pores',
  'oiliness',
  'evenness',
  'acne',
] as const;
export type Concern = (typeof CONCERNS)[number];

/** Concerns measured after the first results were stored: a result stored before lacks them. */
export const LATER_CONCERNS: readonly Concern[] = ['wrinkles'];

export const REGIONS = ['forehead', 'left_cheek', 'right_cheek', 'nose', 'chin', 'under_eye_left', 'under_eye_right'] as const;
export type Region = (typeof REGIONS)[number];

/** Where fine lines are scored: forehead, under the eyes and cheeks (the mesh regions stop short of the crow's feet at the outer eye corners). */
export const WRINKLE_REGIONS = [
  'forehead',
  'left_cheek',
  'right_cheek',
  'under_eye_left',
  'under_eye_right',
] as const satisfies readonly Region[];

export const SKIN_TYPES = ['normal', 'oily', 'dry', 'combination'] as const;
export type SkinType = (typeof SKIN_TYPES)[number];

/** Why a concern has no score: none of its regions was visible enough to measure (a turned face, hair, a hand). */
export const NOT_MEASURED_REASONS = ['region-not-visible'] as const;
export type NotMeasuredReason = (typeof NOT_MEASURED_REASONS)[number];

/** Scores are 1–100, higher is healthier; a concern that could not be measured has no score, never a neutral one. */
export type ConcernResult =
  | {
      score: number;
      /** Per-region scores where the concern is measured per region (under-eye regions only for dark circles, WRINKLE_REGIONS for wrinkles). */
      regions: Partial<Record<Region, number>>;
    }
  | { score: null; notMeasured: NotMeasuredReason; regions: Partial<Record<Region, number>> };

/**
 * The score of each concern a stored result measured: one stored before a concern was measured lacks
 * it, and one the analyser could not measure has none; both are left out rather than guessed.
 */
export function concernScores(concerns: Partial<Record<Concern, ConcernResult>>): Partial<Record<Concern, number>> {
  const scores: Partial<Record<Concern, number>> = {};
  for (const concern of CONCERNS) {
    const score = concerns[concern]?.score;
    if (typeof score === 'number') scores[concern] = score;
  }
  return scores;
}

export interface SkinAnalysisResult {
  provider: 'local' | 'openai';
  /** Identifies the analyser build (or model) so results can be compared only with like results. */
  modelVersion: string;
  overallScore: number;
  concerns: Record<Concern, ConcernResult>;
  /** From shine and roughness by zone: it depends on the photo's lighting (flash or sun reads as shine). */
  skinType: SkinType;
  /**
   * Apparent age in years: the face model's estimate of the person's age from the photo, adjusted by at
   * most −5…+10 years by the fine-lines, spots, texture and dark-circle scores (local provider), or
   * the vision model's estimate (OpenAI). Not a biological measure. Null when the provider cannot tell.
   */
  skinAge: number | null;
  /** 0–1: how much the provider trusts this result (local: its weakest capture limit, see confidence.ts). */
  confidence: number;
  /** One PNG per concern, same size as the working image, aligned to it (local provider only). */
  heatmaps: Partial<Record<Concern, Buffer>>;
}

/** Hears the tokens a provider reports one analysis used (OpenAI's `usage`), for the figures, not the result. */
export type UsageReport = (model: string, usage: { prompt: number; completion: number }) => void;

/** What a provider that looks at the photo itself (OpenAI) is given. */
export interface PhotoInput {
  /** The normalised working copy: JPEG, orientation applied, metadata stripped, long side ≤ 2560 px. */
  image: Buffer;
  width: number;
  height: number;
}

/** A photo the quality gate passed, as the photo pass hands it on: decoded and detected once. */
export interface AnalysisInput extends PhotoInput {
  pixels: Required<RgbImage>;
  /** The face the gate judged (the only counted face). */
  face: FaceDetection;
  quality: QualityMeasures;
}

/** A provider, given the photo as `Input` (the OpenAI provider needs only the image; the local analyser the pixels and the face). */
export interface SkinAnalyzer<Input extends PhotoInput = AnalysisInput> {
  readonly provider: 'local' | 'openai';
  analyze(input: Input, signal?: AbortSignal, onUsage?: UsageReport): Promise<SkinAnalysisResult>;
}
