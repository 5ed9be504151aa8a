import { CONCERNS, type AnalysisInput, type Concern, type SkinAnalysisResult, type SkinAnalyzer } from '../skin-analyzer.ts';
import { inSpan } from '../../telemetry/trace-context.ts';
import { confidenceLimits, confidenceOf, type ConfidenceLimits } from './local/confidence.ts';
import { HEATMAP_FULL_SCALE, renderHeatmap } from './local/heatmap.ts';
import { boxBlur } from './local/measures.ts';
import { cropFace } from './local/regions.ts';
import { overallScore, scoreConcerns, skinAgeOf, skinTypeOf } from './local/scores.ts';
import { ANALYSIS_FACE_WIDTH, measureSkin, type SkinReference } from './local/skin-measures.ts';
import { LOCAL_MODEL_VERSION } from './model-version.ts';
import type { QualityMeasures } from './quality-gate.ts';

export interface LocalAnalysisDetails {
  /** The person's own skin baseline (cheek medians) and its ITA° skin-tone angle. */
  reference: SkinReference;
  /** Whole-face raw measure per concern, in the units of CALIBRATION. */
  raw: Record<Concern, number | null>;
  quality: QualityMeasures;
  /** What the confidence was derived from: it is the smallest of these. */
  limits: ConfidenceLimits;
  /** Milliseconds per stage of this analysis (the photo pass times decode, detect and gate). */
  timings: { measure: number; heatmaps: number; total: number };
}

export interface LocalSkinAnalyzer extends SkinAnalyzer {
  readonly provider: 'local';
  /** The result plus what it was computed from (for benchmarks, support and tests). */
  analyzeDetailed(
    input: AnalysisInput,
    signal?: AbortSignal,
  ): Promise<{ result: SkinAnalysisResult; details: LocalAnalysisDetails }>;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('analysis aborted');
}

/**
 * The built-in analyser: classical computer vision on the pixels, offline and deterministic (the same
 * photo gives the same result). It is given the photo's pixels and the face mesh the photo pass found
 * (it never decodes or detects itself); regions come from the mesh; every measure is taken in CIELAB
 * against the person's own skin (see local/skin-measures.ts).
 */
export function createLocalAnalyzer(): LocalSkinAnalyzer {
  async function analyzeDetailed(input: AnalysisInput, signal?: AbortSignal) {
    const started = performance.now();
    throwIfAborted(signal);
    const { pixels: image, face, quality } = input;

    // Spans for the two stages only this analyser runs (the photo pass's cover decode, detect, gate).
    const { crop, skin, concerns, raw } = inSpan('analysis measure', () => {
      const crop = cropFace(image, face, ANALYSIS_FACE_WIDTH);
      const skin = measureSkin(crop);
      return { crop, skin, ...scoreConcerns(skin.regions) };
    });
    const regionList = Object.values(skin.regions);
    const coverage = regionList.reduce((sum, region) => sum + Math.min(1, region.coverage), 0) / regionList.length;
    const limits = confidenceLimits(quality, face.score, coverage);
    const measured = performance.now();
    throwIfAborted(signal);

    // Texture is a per-pixel difference: smoothed over ~1 mm so the overlay reads as areas, not noise.
    const maps = { ...skin.maps, texture: boxBlur(skin.maps.texture, skin.width, skin.height, 2) };
    const heatmaps = inSpan(
      'analysis heatmaps',
      () =>
        Object.fromEntries(
          CONCERNS.map((concern) => [
            concern,
            renderHeatmap(maps[concern], skin.skin, crop, image.width, image.height, HEATMAP_FULL_SCALE[concern]),
          ]),
        ) as Record<Concern, Buffer>,
    );
    const finished = performance.now();

    const result: SkinAnalysisResult = {
      provider: 'local',
      modelVersion: LOCAL_MODEL_VERSION,
      overallScore: overallScore(concerns),
      concerns,
      skinType: skinTypeOf(skin.regions),
      skinAge: skinAgeOf(face.age, concerns),
      confidence: confidenceOf(limits),
      heatmaps,
    };
    const details: LocalAnalysisDetails = {
      reference: skin.reference,
      raw,
      quality,
      limits,
      timings: {
        measure: measured - started,
        heatmaps: finished - measured,
        total: finished - started,
      },
    };
    return { result, details };
  }

  return {
    provider: 'local',
    analyzeDetailed,
    async analyze(input, signal) {
      return (await analyzeDetailed(input, signal)).result;
    },
  };
}
