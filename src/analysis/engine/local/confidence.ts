import {
  MAX_FACE_CLIPPED,
  MAX_FACE_LIGHTNESS,
  MIN_FACE_LIGHTNESS,
  MIN_SHARPNESS,
  type QualityMeasures,
} from '../quality-gate.ts';
import { ANALYSIS_FACE_WIDTH } from './skin-measures.ts';

/** What limits how far a local result can be trusted, each 0–1 (1: this limit does not reduce trust). */
export interface ConfidenceLimits {
  /** The face oval's width in the photo's own pixels against the width it is measured at: an enlarged face has no real fine detail. */
  resolution: number;
  /** Sharpness from the gate's floor (0.5) to a phone portrait's (1). */
  sharpness: number;
  /** Face lightness and clipping: 1 in even light, 0.5 at the gate's limits. */
  light: number;
  /** Share of the regions' outlines that is visible skin: a turned head (pose), hair or a hand lowers it. */
  visibility: number;
  /** The face detector's and mesh's own confidence. */
  detection: number;
}

/** A phone portrait scores 3–7 (quality-gate.ts); from here on sharpness does not limit trust. */
export const SHARP_ENOUGH = 3;
/** Face L* between these is even, well-exposed light. */
export const EVEN_LIGHT: [number, number] = [35, 75];

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
/** 1 at `good`, falling linearly to 0.5 at the gate's `limit`. */
const towards = (value: number, limit: number, good: number) => 0.5 + 0.5 * clamp01((value - limit) / (good - limit));

export function confidenceLimits(quality: QualityMeasures, faceScore: number, visibility: number): ConfidenceLimits {
  const nativeFaceWidth = (quality.faceWidthRatio ?? 0) * Math.min(quality.width, quality.height);
  const lightness = quality.faceLightness ?? MIN_FACE_LIGHTNESS;
  const exposure =
    lightness < EVEN_LIGHT[0]
      ? towards(lightness, MIN_FACE_LIGHTNESS, EVEN_LIGHT[0])
      : towards(-lightness, -MAX_FACE_LIGHTNESS, -EVEN_LIGHT[1]);
  const clipping = towards(-(quality.faceClipped ?? 0), -MAX_FACE_CLIPPED, 0);
  return {
    resolution: clamp01(nativeFaceWidth / ANALYSIS_FACE_WIDTH),
    sharpness: towards(quality.sharpness ?? MIN_SHARPNESS, MIN_SHARPNESS, SHARP_ENOUGH),
    light: Math.min(exposure, clipping),
    visibility: clamp01(visibility),
    detection: clamp01(faceScore),
  };
}

/**
 * 0–1 trust in a local result: the weakest of its limits, since a measure is only as good as what
 * limits it most (a sharp photo does not make up for a face half hidden). Not multiplied: the limits
 * are not independent chances, and a product of several fair factors reads as a poor photo.
 */
export function confidenceOf(limits: ConfidenceLimits): number {
  return Math.round(Math.min(...Object.values(limits)) * 100) / 100;
}
