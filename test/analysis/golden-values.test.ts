import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFaceModel, packageFolder, type FaceModel } from '../../src/analysis/engine/face-model.ts';
import { createLocalAnalyzer } from '../../src/analysis/engine/local-analyzer.ts';
import { LOCAL_MEASURES_VERSION, LOCAL_MODEL_VERSION } from '../../src/analysis/engine/model-version.ts';
import { CONCERNS, type Concern } from '../../src/analysis/skin-analyzer.ts';
import { deriveFacePhotos, passedInput, type DerivedFace } from './face-photos.ts';

/*
 * Golden values: what the local analyser gives three faces derived from the face-model packages' own
 * sample photos (a tan, a light and another light ITA° skin tone, as lit in their photos). Any change to the face model, its
 * numerics or a measure that moves a score fails here: update these values only as a decision, with
 * LOCAL_MEASURES_VERSION raised when the measures changed.
 */
interface Golden {
  overall: number;
  concerns: Record<Concern, number | null>;
  ita: number;
  confidence: number;
}

const GOLDEN: Record<string, Golden> = {
  'sample2-face3': {
    overall: 85,
    concerns: {
      redness: 76,
      pigmentation: 94,
      dark_circles: 48,
      texture: 92,
      wrinkles: 98,
      pores: 98,
      oiliness: 71,
      evenness: 74,
      acne: 100,
    },
    ita: 18.54,
    confidence: 0.71,
  },
  'sample3-face1': {
    overall: 92,
    concerns: {
      redness: 52,
      pigmentation: 100,
      dark_circles: 84,
      texture: 99,
      wrinkles: 100,
      pores: 100,
      oiliness: 100,
      evenness: 94,
      acne: 100,
    },
    ita: 54.88,
    confidence: 0.58,
  },
  'sample4-face2': {
    overall: 88,
    concerns: {
      redness: 70,
      pigmentation: 99,
      dark_circles: 62,
      texture: 97,
      wrinkles: 99,
      pores: 100,
      oiliness: 99,
      evenness: 80,
      acne: 90,
    },
    ita: 47.88,
    confidence: 0.58,
  },
};

// Tight enough that any real change fails; loose enough for the last-digit rounding of a score, an
// angle or a confidence that sits on a boundary.
const SCORE_TOLERANCE = 1;
const ITA_TOLERANCE = 0.5;
const CONFIDENCE_TOLERANCE = 0.02;

let model: FaceModel;
let faces: DerivedFace[];

beforeAll(async () => {
  model = await loadFaceModel();
  faces = await deriveFacePhotos(model, { samples: [2, 3, 4] });
}, 180_000);

describe('the local analyser’s golden values', () => {
  it.each(Object.keys(GOLDEN))('%s scores as pinned', async (name) => {
    const face = faces.find((derived) => derived.name === name);
    expect(face, `${name} is no longer derived from the sample photos`).toBeDefined();
    const input = await passedInput(model, face!.photo);
    const result = await createLocalAnalyzer().analyze(input);
    const golden = GOLDEN[name]!;
    expect(Math.abs(result.overallScore - golden.overall), 'overall').toBeLessThanOrEqual(SCORE_TOLERANCE);
    for (const concern of CONCERNS) {
      const pinned = golden.concerns[concern];
      const score = result.concerns[concern].score;
      if (pinned === null || score === null) expect(score, concern).toBe(pinned);
      else expect(Math.abs(score - pinned), concern).toBeLessThanOrEqual(SCORE_TOLERANCE);
    }
    // The skin tone the result is stored with, measured by the photo pass.
    expect(Math.abs(input.quality.skinIta! - golden.ita), 'ITA°').toBeLessThanOrEqual(ITA_TOLERANCE);
    expect(Math.abs(result.confidence - golden.confidence), 'confidence').toBeLessThanOrEqual(CONFIDENCE_TOLERANCE);
  });

  it('names the installed face-model packages’ versions in the model version every result carries', () => {
    const versionOf = (name: string) =>
      (JSON.parse(readFileSync(packageFolder(name, 'package.json'), 'utf8')) as { version: string }).version;
    expect(LOCAL_MODEL_VERSION).toBe(
      `${LOCAL_MEASURES_VERSION}+human-${versionOf('@vladmandic/human')}+tfjs-wasm-${versionOf('@tensorflow/tfjs-backend-wasm')}`,
    );
    expect(LOCAL_MODEL_VERSION).toMatch(/^local-cv-\d+\.\d+\+human-\d+\.\d+\.\d+\S*\+tfjs-wasm-\d+\.\d+\.\d+\S*$/);
  });
});
