import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFaceModel, type FaceModel } from '../../src/analysis/engine/face-model.ts';
import { QUALITY_PROBLEM_CODES, type QualityProblemCode } from '../../src/analysis/analysis-vocabulary.ts';
import { assessQuality, type QualityReport } from '../../src/analysis/engine/quality-gate.ts';
import { deriveFacePhotos, detectIn, samplePhoto, type DerivedFace } from './face-photos.ts';

let model: FaceModel;
let derived: DerivedFace[];
let subjects: DerivedFace[];

// Two crops under coloured stage light (a purple and a red spotlight) are, rightly, colour casts.
const STAGE_LIT = ['sample2-face1', 'sample3-face2'];
const GREY = { r: 128, g: 128, b: 128 };

beforeAll(async () => {
  model = await loadFaceModel();
  derived = await deriveFacePhotos(model);
  subjects = ['sample1-face1', 'sample4-face2', 'sample6-face4'].map((name) => derived.find((face) => face.name === name)!);
}, 120_000);

async function gate(photo: Buffer): Promise<QualityReport> {
  const { pixels, faces } = await detectIn(model, photo);
  return assessQuality(pixels, faces);
}

const codes = (report: QualityReport) => report.problems.map((problem) => problem.code);

async function onCanvas(
  width: number,
  height: number,
  parts: { photo: Buffer; size: number; left: number; top: number }[],
): Promise<Buffer> {
  const layers = await Promise.all(
    parts.map(async (part) => ({ input: await sharp(part.photo).resize(part.size).toBuffer(), left: part.left, top: part.top })),
  );
  return sharp({ create: { width, height, channels: 3, background: GREY } })
    .composite(layers)
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('the photo quality gate', () => {
  it('passes the face crops taken in ordinary light and flags the two under coloured stage light as colour-cast', () => {
    expect(derived.length).toBeGreaterThanOrEqual(15);
    for (const face of derived) {
      const report = assessQuality(face.pixels, face.faces);
      if (STAGE_LIT.includes(face.name)) expect(codes(report), face.name).toEqual(['colour-cast']);
      else expect(report, face.name).toMatchObject({ passed: true, problems: [] });
    }
  });

  const degraded: [QualityProblemCode, string, (photo: Buffer) => Promise<Buffer>][] = [
    ['too-blurry', 'a blurred photo', (photo) => sharp(photo).blur(8).jpeg().toBuffer()],
    ['too-dark', 'a photo taken in dim light', (photo) => sharp(photo).linear(0.3, 0).jpeg().toBuffer()],
    ['over-exposed', 'a washed-out photo', (photo) => sharp(photo).linear(1.7, 40).jpeg().toBuffer()],
    [
      'colour-cast',
      'a photo under green light',
      (photo) =>
        sharp(photo)
          .recomb([
            [0.7, 0, 0],
            [0, 1.15, 0],
            [0, 0, 0.7],
          ])
          .jpeg()
          .toBuffer(),
    ],
    ['colour-cast', 'a black-and-white photo', (photo) => sharp(photo).grayscale().jpeg().toBuffer()],
    ['image-too-small', 'a 400 px photo', (photo) => sharp(photo).resize(400).jpeg().toBuffer()],
    [
      'face-cut-off',
      'a photo cutting the face at the side',
      (photo) => sharp(photo).extract({ left: 0, top: 0, width: 700, height: 1080 }).jpeg().toBuffer(),
    ],
    [
      'face-too-small',
      'a small face in a large frame',
      (photo) => onCanvas(1080, 1080, [{ photo, size: 280, left: 400, top: 400 }]),
    ],
  ];
  for (const [code, what, degrade] of degraded) {
    it(`rejects ${what} as ${code}`, async () => {
      for (const subject of subjects) {
        const report = await gate(await degrade(subject.photo));
        expect(report.passed, subject.name).toBe(false);
        expect(codes(report), subject.name).toContain(code);
      }
    });
  }

  it('rejects two people side by side as multiple-faces', async () => {
    const [first, second] = subjects;
    const report = await gate(
      await onCanvas(1080, 540, [
        { photo: first!.photo, size: 540, left: 0, top: 0 },
        { photo: second!.photo, size: 540, left: 540, top: 0 },
      ]),
    );
    expect(codes(report)).toEqual(['multiple-faces']);
    expect(report.problems[0]).toMatchObject({ measured: 2, threshold: 1 });
  });

  it('rejects a photo of the room with nobody in it as no-face', async () => {
    const room = await sharp(samplePhoto(2)).extract({ left: 0, top: 700, width: 600, height: 600 }).jpeg().toBuffer();
    expect(codes(await gate(room))).toEqual(['no-face']);
  });

  it('reports the measured value and the limit it broke, in English, Thai and Chinese', async () => {
    const report = await gate(await sharp(subjects[0]!.photo).linear(0.3, 0).resize(400).jpeg().toBuffer());
    expect(codes(report)).toEqual(expect.arrayContaining(['too-dark', 'image-too-small']));
    for (const problem of report.problems) {
      expect(QUALITY_PROBLEM_CODES).toContain(problem.code);
      expect(Number.isFinite(problem.measured) && Number.isFinite(problem.threshold)).toBe(true);
      expect(problem.message.en).toMatch(/[a-z]/);
      expect(problem.message.th).toMatch(/[\u0E00-\u0E7F]/);
      expect(problem.message.zh).toMatch(/[\u4E00-\u9FFF]/);
    }
    const small = report.problems.find((problem) => problem.code === 'image-too-small')!;
    expect(small).toMatchObject({ measured: 400, threshold: 480 });
    expect(small.message.en).toContain('400');
    expect(small.message.th).toContain('480');
  });

  it('finds faces in portrait and landscape photos, not only square ones', async () => {
    const subject = subjects[2]!;
    const portrait = await onCanvas(1080, 1920, [{ photo: subject.photo, size: 1080, left: 0, top: 420 }]);
    const landscape = await onCanvas(1920, 1080, [{ photo: subject.photo, size: 1080, left: 420, top: 0 }]);
    for (const photo of [portrait, landscape]) expect(await gate(photo)).toMatchObject({ passed: true });
  });
});
