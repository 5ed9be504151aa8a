import type { FaceModel } from '../../src/analysis/face-model.ts';
import { createLocalAnalyzer } from '../../src/analysis/local-analyzer.ts';
import { PhotoRejectedError } from '../../src/analysis/quality-gate.ts';
import { CONCERNS, type Concern } from '../../src/analysis/skin-analyzer.ts';
import { encodeJpeg, type RgbPixels } from './capture-perturbations.ts';

export interface CaptureAnalysis {
  /** Each concern's score, null where the analyser did not measure it; null as a whole when the gate refused the photo. */
  scores: Record<Concern, number | null> | null;
  ita: number | null;
  /** The gate's problem codes when it refused the photo. */
  refused: string[];
}

/** The local analyser as an upload reaches it (JPEG in), on an already loaded face model. */
export function captureAnalyser(model: FaceModel): (pixels: RgbPixels) => Promise<CaptureAnalysis> {
  const analyzer = createLocalAnalyzer({ faceModel: async () => model });
  return async (pixels) => {
    const image = await encodeJpeg(pixels);
    try {
      const { result, details } = await analyzer.analyzeDetailed({ image, width: pixels.width, height: pixels.height });
      const scores = Object.fromEntries(CONCERNS.map((c) => [c, result.concerns[c]?.score ?? null])) as Record<
        Concern,
        number | null
      >;
      return { scores, ita: details.reference.ita, refused: [] };
    } catch (error) {
      if (!(error instanceof PhotoRejectedError)) throw error;
      return { scores: null, ita: null, refused: error.quality.problems.map((p) => p.code) };
    }
  };
}
