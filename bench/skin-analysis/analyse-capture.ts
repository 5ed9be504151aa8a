import type { FaceModel } from '../../src/analysis/engine/face-model.ts';
import { createLocalAnalyzer, type LocalAnalysisDetails } from '../../src/analysis/engine/local-analyzer.ts';
import type { ScoreName } from '../../src/analysis/engine/measurement-error.ts';
import { passPhoto, type PhotoStage } from '../../src/analysis/engine/photo-pass.ts';
import { CONCERNS, type AnalysisInput, type SkinAnalysisResult } from '../../src/analysis/skin-analyzer.ts';
import { seededRandom } from '../seeded-random.ts';
import { encodeJpeg, type RgbPixels } from './capture-perturbations.ts';

export type PhotoAnalysis =
  | {
      passed: true;
      result: SkinAnalysisResult;
      /** The skin tone every result is stored with (the gate's ITA°). */
      ita: number;
      timings: Record<PhotoStage, number> & LocalAnalysisDetails['timings'];
    }
  | { passed: false; rejected: string[] };

/** Moves every mesh point by up to `px` in x and y, as two detections of one photo may differ. */
function jitterMesh(input: AnalysisInput, px: number, seed: number): AnalysisInput {
  const random = seededRandom(seed);
  const mesh = input.face.mesh.map(
    ([x, y, z]) => [x + (random() * 2 - 1) * px, y + (random() * 2 - 1) * px, z] as (typeof input.face.mesh)[number],
  );
  return { ...input, face: { ...input.face, mesh } };
}

/**
 * What the worker does with a photo: one pass (decode, detect, gate), then the local analyser unless the
 * gate refuses it. `meshJitterPx` moves the landmarks the analyser is given, for the repeatability bench.
 */
export function photoAnalyser(model: FaceModel) {
  const analyzer = createLocalAnalyzer();
  return async (photo: Buffer, meshJitter?: { px: number; seed: number }): Promise<PhotoAnalysis> => {
    const pass = await passPhoto(model, photo);
    if (!pass.passed) return { passed: false, rejected: pass.quality.problems.map((problem) => problem.code) };
    const input = meshJitter ? jitterMesh(pass.input, meshJitter.px, meshJitter.seed) : pass.input;
    const { result, details } = await analyzer.analyzeDetailed(input);
    return { passed: true, result, ita: pass.input.quality.skinIta!, timings: { ...pass.timings, ...details.timings } };
  };
}

export interface CaptureAnalysis {
  /** The overall and each concern's score, null where not measured; null as a whole when the gate refused the photo. */
  scores: Record<ScoreName, number | null> | null;
  ita: number | null;
  /** The gate's problem codes when it refused the photo. */
  refused: string[];
}

/** Pixels through the analyser as an upload reaches it (JPEG in), reduced to scores. */
export function captureAnalyser(model: FaceModel) {
  const analyse = photoAnalyser(model);
  return async (pixels: RgbPixels, meshJitter?: { px: number; seed: number }): Promise<CaptureAnalysis> => {
    const analysis = await analyse(await encodeJpeg(pixels), meshJitter);
    if (!analysis.passed) return { scores: null, ita: null, refused: analysis.rejected };
    const { concerns, overallScore } = analysis.result;
    const scores = {
      overall: overallScore,
      ...Object.fromEntries(CONCERNS.map((c) => [c, concerns[c]?.score ?? null])),
    } as Record<ScoreName, number | null>;
    return { scores, ita: analysis.ita, refused: [] };
  };
}
