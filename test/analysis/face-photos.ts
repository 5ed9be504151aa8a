import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { decodeRgb, type FaceDetection, type FaceModel, type RgbImage } from '../../src/analysis/engine/face-model.ts';
import { passPhoto } from '../../src/analysis/engine/photo-pass.ts';
import type { AnalysisInput } from '../../src/analysis/skin-analyzer.ts';

// Test faces are derived at run time from the group photos that ship with @vladmandic/face-api (MIT):
// no third-party photo is kept in the repository. All of them show young women.
const require = createRequire(import.meta.url);
const demoFolder = path.join(path.dirname(require.resolve('@vladmandic/face-api')), '..', 'demo');
export const samplePhoto = (n: number) => path.join(demoFolder, `sample${n}.jpg`);

export interface DerivedFace {
  /** e.g. `sample3-face1`: the sample photo and the face's rank by size in it. */
  name: string;
  /** JPEG, `size`×`size`, the face oval about a third of the width. */
  photo: Buffer;
  pixels: Required<RgbImage>;
  /** What the model found in the crop: exactly one face. */
  faces: FaceDetection[];
}

// The detector's box spans brow to chin; 1.7× keeps hair and neck around it but the neighbours of a
// group photo mostly out.
const CROP_FACTOR = 1.7;

/**
 * Square crops around each confidently detected face of the sample photos, scaled to `size` px,
 * kept when the model finds exactly one face in the crop (a neighbour's face can reach into it).
 */
export async function deriveFacePhotos(
  model: FaceModel,
  options: { size?: number; samples?: number[]; quality?: number } = {},
): Promise<DerivedFace[]> {
  const size = options.size ?? 1080;
  const derived: DerivedFace[] = [];
  for (const sample of options.samples ?? [1, 2, 3, 4, 5, 6]) {
    const file = samplePhoto(sample);
    const original = await decodeRgb(await sharp(file).toBuffer());
    const faces = await model.detect(original);
    for (const [index, face] of faces.entries()) {
      if (face.score < 0.8 || face.detectorScore < 0.5) continue;
      const [x, y, w, h] = face.box;
      const side = Math.round(Math.max(w, h) * CROP_FACTOR);
      if (side > original.width || side > original.height) continue;
      const left = Math.round(Math.min(Math.max(0, x + w / 2 - side / 2), original.width - side));
      const top = Math.round(Math.min(Math.max(0, y + h / 2 - side / 2), original.height - side));
      const photo = await sharp(file)
        .extract({ left, top, width: side, height: side })
        .resize(size, size, { kernel: 'lanczos3' })
        .jpeg({ quality: options.quality ?? 92 })
        .toBuffer();
      const pixels = await decodeRgb(photo);
      const found = await model.detect(pixels);
      if (found.length !== 1) continue;
      derived.push({ name: `sample${sample}-face${index + 1}`, photo, pixels, faces: found });
    }
  }
  return derived;
}

/** Decodes a photo and runs the model on it, as the worker does before the gate. */
export async function detectIn(model: FaceModel, photo: Buffer): Promise<{ pixels: Required<RgbImage>; faces: FaceDetection[] }> {
  const pixels = await decodeRgb(photo);
  return { pixels, faces: await model.detect(pixels) };
}

/** The photo pass's input for a provider, as the worker hands it on; a photo the gate refuses fails the test. */
export async function passedInput(model: FaceModel, photo: Buffer): Promise<AnalysisInput> {
  const pass = await passPhoto(model, photo);
  if (!pass.passed) throw new Error(`the quality gate refused the photo: ${pass.quality.problems.map((p) => p.code).join(', ')}`);
  return pass.input;
}
