import type { AnalysisInput } from '../skin-analyzer.ts';
import { decodeRgb, type FaceModel } from './face-model.ts';
import { assessQuality, primaryFace, type QualityReport } from './quality-gate.ts';

export type PhotoStage = 'decode' | 'detect' | 'gate';

/** Runs one stage of the pass; the worker wraps each in a span and a timing metric. */
export type StageRunner = <T>(stage: PhotoStage, work: () => Promise<T> | T) => Promise<T>;

/** What one pass over a photo found: the gate's report and, when it passed, everything a provider needs. */
export type PhotoPass = (
  { passed: false; quality: QualityReport } | { passed: true; quality: QualityReport; input: AnalysisInput }
) & {
  /** Milliseconds per stage. */
  timings: Record<PhotoStage, number>;
};

const direct: StageRunner = async (_stage, work) => work();

/**
 * Decode → detect → gate, once per photo. A photo the gate refuses stops here (a rejection, never an
 * error); one it passes goes to a provider with its decoded pixels and the face the gate judged, so no
 * provider decodes or detects it again.
 */
export async function passPhoto(model: FaceModel, image: Buffer, stage: StageRunner = direct): Promise<PhotoPass> {
  const timings: Record<PhotoStage, number> = { decode: 0, detect: 0, gate: 0 };
  const timed = async <T>(name: PhotoStage, work: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    try {
      return await stage(name, work);
    } finally {
      timings[name] = performance.now() - started;
    }
  };
  const pixels = await timed('decode', () => decodeRgb(image));
  const faces = await timed('detect', () => model.detect(pixels));
  const quality = await timed('gate', () => assessQuality(pixels, faces));
  // A passed gate counted exactly one face, so there is a primary face whenever it passed.
  const face = primaryFace(faces);
  if (!quality.passed || !face) return { passed: false, quality, timings };
  const input = { image, width: pixels.width, height: pixels.height, pixels, face, quality: quality.measures };
  return { passed: true, quality, input, timings };
}
