import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFaceModel, type FaceModel } from '../../src/analysis/engine/face-model.ts';
import { createLocalAnalyzer, type LocalSkinAnalyzer } from '../../src/analysis/engine/local-analyzer.ts';
import { REGION_LANDMARKS } from '../../src/analysis/engine/local/regions.ts';
import { passPhoto } from '../../src/analysis/engine/photo-pass.ts';
import {
  CONCERNS,
  REGIONS,
  SKIN_TYPES,
  WRINKLE_REGIONS,
  type Region,
  type SkinAnalysisResult,
} from '../../src/analysis/skin-analyzer.ts';
import { deriveFacePhotos, passedInput, type DerivedFace } from './face-photos.ts';

let analyzer: LocalSkinAnalyzer;
let model: FaceModel;
let subjects: DerivedFace[];

beforeAll(async () => {
  model = await loadFaceModel();
  analyzer = createLocalAnalyzer();
  const derived = await deriveFacePhotos(model, { samples: [1, 6] });
  // Two faces turned little enough that both cheeks and both under-eyes are in view.
  subjects = ['sample1-face3', 'sample6-face4'].map((name) => derived.find((face) => face.name === name)!);
}, 120_000);

const analyze = async (photo: Buffer) => analyzer.analyze(await passedInput(model, photo));

function outline(subject: DerivedFace, region: Region): [number, number][] {
  return REGION_LANDMARKS[region].map((index) => {
    const [x, y] = subject.faces[0]!.mesh[index]!;
    return [x, y];
  });
}

async function paint(subject: DerivedFace, shapes: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1080"><defs><filter id="soft"><feGaussianBlur stdDeviation="2"/></filter></defs>${shapes}</svg>`;
  return sharp(subject.photo)
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** Five soft red spots, each about 1.5% of the face wide, spread over the person's right cheek. */
function blemishesOn(subject: DerivedFace, region: Region): string {
  const points = outline(subject, region);
  const cx = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const cy = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const span = Math.max(...points.map(([x]) => x)) - Math.min(...points.map(([x]) => x));
  const offsets = [
    [0, 0],
    [-0.2, -0.15],
    [0.2, 0.1],
    [-0.15, 0.2],
    [0.15, -0.2],
  ];
  return offsets
    .map(
      ([dx, dy]) =>
        `<circle cx="${cx + dx! * span}" cy="${cy + dy! * span}" r="${span * 0.06}" fill="rgb(200,40,50)" fill-opacity="0.55" filter="url(#soft)"/>`,
    )
    .join('');
}

/** Points across the forehead, a share `depth` of the way down from its upper edge to the brows, following the face's tilt. */
function acrossForehead(subject: DerivedFace, depth: number): [number, number][] {
  const points = outline(subject, 'forehead');
  const top = points.slice(0, 7);
  const brows = points.slice(7).reverse();
  return top.map(([x, y], k) => [x + (brows[k]![0] - x) * depth, y + (brows[k]![1] - y) * depth]);
}

// Lines and dots are drawn in the same ink: a dark brown at under half opacity.
const INK = 'rgb(90,60,50)';
const INK_OPACITY = 0.45;

/** Three thin (1.5 px ≈ 0.6 mm), slightly wavy lines across the forehead, as expression lines run. */
function linesAcrossForehead(subject: DerivedFace): string {
  return [0.3, 0.5, 0.7]
    .map((depth) => {
      const points = acrossForehead(subject, depth).slice(1, -1);
      const curve = points.slice(1).map(([x, y], k) => {
        const [px, py] = points[k]!;
        return `Q${(px + x) / 2},${(py + y) / 2 + (k % 2 ? -2 : 2)} ${x},${y}`;
      });
      return `<path d="M${points[0]!.join(',')} ${curve.join(' ')}" fill="none" stroke="${INK}" stroke-opacity="${INK_OPACITY}" stroke-width="1.5"/>`;
    })
    .join('');
}

/** 48 round dark dots (3 px ≈ 1.2 mm across) spread over the forehead, like visible pores. */
function dotsOverForehead(subject: DerivedFace): string {
  const dots: string[] = [];
  for (const depth of [0.25, 0.4, 0.55, 0.7]) {
    const row = acrossForehead(subject, depth);
    for (let k = 0; k < row.length - 1; k++) {
      for (const share of [0.25, 0.75]) {
        const x = row[k]![0] + (row[k + 1]![0] - row[k]![0]) * share;
        const y = row[k]![1] + (row[k + 1]![1] - row[k]![1]) * share;
        dots.push(`<circle cx="${x}" cy="${y}" r="1.5" fill="${INK}" fill-opacity="${INK_OPACITY}"/>`);
      }
    }
  }
  return dots.join('');
}

function scoresIn(result: SkinAnalysisResult): (number | null)[] {
  return [
    result.overallScore,
    ...CONCERNS.flatMap((concern) => [result.concerns[concern].score, ...Object.values(result.concerns[concern].regions)]),
  ];
}

describe('the local skin analyser', () => {
  it('gives the same result, heatmaps included, when the same photo is analysed twice', async () => {
    // Each pass runs the model again (nothing is remembered), so this is the pixels' own determinism.
    const [first, second] = [await analyze(subjects[0]!.photo), await analyze(subjects[0]!.photo)];
    expect(second).toEqual(first);
    expect(Buffer.compare(second.heatmaps.redness!, first.heatmaps.redness!)).toBe(0);
  });

  it('scores every concern from 1 to 100 per region and overall, with a skin type, a skin age and a confidence', async () => {
    for (const subject of subjects) {
      const result = await analyze(subject.photo);
      expect(result).toMatchObject({ provider: 'local', modelVersion: expect.any(String) });
      for (const score of scoresIn(result)) {
        expect(Number.isInteger(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(1);
        expect(score).toBeLessThanOrEqual(100);
      }
      for (const region of REGIONS.filter((r) => !r.startsWith('under_eye')))
        expect(result.concerns.redness.regions[region]).toBeDefined();
      expect(Object.keys(result.concerns.dark_circles.regions).sort()).toEqual(['under_eye_left', 'under_eye_right']);
      expect(Object.keys(result.concerns.wrinkles.regions).sort()).toEqual([...WRINKLE_REGIONS].sort());
      expect(SKIN_TYPES).toContain(result.skinType);
      expect(Math.abs(result.skinAge! - subject.faces[0]!.age!)).toBeLessThanOrEqual(10);
      expect(result.confidence).toBeGreaterThan(0.3);
      expect(result.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('draws one PNG heatmap per concern at the size of the working photo, portrait photos included', async () => {
    const portrait = await sharp({ create: { width: 1080, height: 1440, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .composite([{ input: subjects[1]!.photo, left: 0, top: 180 }])
      .jpeg()
      .toBuffer();
    const result = await analyze(portrait);
    expect(Object.keys(result.heatmaps).sort()).toEqual([...CONCERNS].sort());
    for (const png of Object.values(result.heatmaps)) {
      expect(await sharp(png!).metadata()).toMatchObject({ format: 'png', width: 1080, height: 1440, channels: 4 });
    }
  });

  it('scores a cheek with red blemishes painted on it lower for redness and blemishes', async () => {
    for (const subject of subjects) {
      const before = await analyze(subject.photo);
      const after = await analyze(await paint(subject, blemishesOn(subject, 'right_cheek')));
      expect(after.concerns.redness.regions.right_cheek!, subject.name).toBeLessThan(
        before.concerns.redness.regions.right_cheek! - 5,
      );
      expect(after.concerns.acne.regions.right_cheek!, subject.name).toBeLessThan(before.concerns.acne.regions.right_cheek! - 20);
      expect(after.concerns.acne.score!, subject.name).toBeLessThan(before.concerns.acne.score!);
    }
  });

  it('scores darkened under-eyes lower for dark circles', async () => {
    for (const subject of subjects) {
      const shade = (region: Region) =>
        `<polygon points="${outline(subject, region)
          .map((p) => p.join(','))
          .join(' ')}" fill="rgb(40,30,40)" fill-opacity="0.3" filter="url(#soft)"/>`;
      const before = await analyze(subject.photo);
      const after = await analyze(await paint(subject, shade('under_eye_left') + shade('under_eye_right')));
      expect(after.concerns.dark_circles.score!, subject.name).toBeLessThan(before.concerns.dark_circles.score! - 15);
      for (const region of ['under_eye_left', 'under_eye_right'] as const) {
        expect(after.concerns.dark_circles.regions[region]!, subject.name).toBeLessThan(
          before.concerns.dark_circles.regions[region]!,
        );
      }
    }
  });

  it('scores a forehead with thin lines drawn across it lower for fine lines, and barely changes its pores and spots', async () => {
    for (const subject of subjects) {
      const before = await analyze(subject.photo);
      const after = await analyze(await paint(subject, linesAcrossForehead(subject)));
      const lower = (concern: 'wrinkles' | 'pores' | 'pigmentation') =>
        before.concerns[concern].regions.forehead! - after.concerns[concern].regions.forehead!;
      expect(lower('wrinkles'), subject.name).toBeGreaterThan(25);
      expect(Math.abs(lower('pores')), subject.name).toBeLessThan(lower('wrinkles') / 3);
      expect(Math.abs(lower('pigmentation')), subject.name).toBeLessThan(lower('wrinkles') / 3);
      expect(after.concerns.wrinkles.score!, subject.name).toBeLessThan(before.concerns.wrinkles.score!);
    }
  });

  it('takes dark dots on the forehead for pores, not for fine lines', async () => {
    for (const subject of subjects) {
      const before = await analyze(subject.photo);
      const lined = await analyze(await paint(subject, linesAcrossForehead(subject)));
      const dotted = await analyze(await paint(subject, dotsOverForehead(subject)));
      const forehead = (result: SkinAnalysisResult, concern: 'wrinkles' | 'pores') => result.concerns[concern].regions.forehead!;
      expect(forehead(dotted, 'pores'), subject.name).toBeLessThan(forehead(before, 'pores') - 20);
      const byLines = forehead(before, 'wrinkles') - forehead(lined, 'wrinkles');
      const byDots = forehead(before, 'wrinkles') - forehead(dotted, 'wrinkles');
      expect(byDots, subject.name).toBeLessThan(byLines / 4);
    }
  });

  // Blur can only smooth the measured texture, so a blurrier photo never scores rougher skin; it is the
  // gate's sharpness floor that keeps a blurred photo from flattering the skin.
  it('never scores a blurrier photo of the same face as rougher skin', async () => {
    for (const subject of subjects) {
      let previous = (await analyze(subject.photo)).concerns.texture.score!;
      for (const sigma of [0.6, 1, 1.5]) {
        const texture = (await analyze(await sharp(subject.photo).blur(sigma).jpeg({ quality: 92 }).toBuffer())).concerns.texture
          .score!;
        expect(texture, `${subject.name} blur ${sigma}`).toBeGreaterThanOrEqual(previous);
        previous = texture;
      }
    }
  });

  // Every baseline is the person's own skin, so a darker rendering of the same face (a different ITA°
  // band under the same light) measures the same concerns.
  it('gives a darker rendering of the same face nearly the same scores', async () => {
    for (const subject of subjects) {
      const before = await analyzer.analyzeDetailed(await passedInput(model, subject.photo));
      const darker = await sharp(subject.photo).modulate({ brightness: 0.75 }).jpeg({ quality: 92 }).toBuffer();
      const after = await analyzer.analyzeDetailed(await passedInput(model, darker));
      expect(after.details.reference.ita).toBeLessThan(before.details.reference.ita - 20);
      for (const concern of CONCERNS) {
        expect(
          Math.abs(after.result.concerns[concern].score! - before.result.concerns[concern].score!),
          `${subject.name} ${concern}`,
        ).toBeLessThanOrEqual(5);
      }
    }
  });

  // Confidence is the weakest capture limit: fewer real pixels on the face (at 480 px the face oval is
  // narrower than the 360 px it is measured at), or a softer photo, lowers it.
  it('never trusts a smaller or softer photo of the same face more: its resolution or sharpness limit falls', async () => {
    for (const subject of subjects) {
      const detailed = async (photo: Buffer) => analyzer.analyzeDetailed(await passedInput(model, photo));
      const full = await detailed(subject.photo);
      const small = await detailed(await sharp(subject.photo).resize(480).jpeg({ quality: 92 }).toBuffer());
      const soft = await detailed(await sharp(subject.photo).blur(1.2).jpeg({ quality: 92 }).toBuffer());
      expect(small.details.limits.resolution, subject.name).toBeLessThan(full.details.limits.resolution);
      expect(soft.details.limits.sharpness, subject.name).toBeLessThan(full.details.limits.sharpness);
      for (const { result, details } of [full, small, soft])
        expect(result.confidence).toBe(Math.round(Math.min(...Object.values(details.limits)) * 100) / 100);
      expect(small.result.confidence, subject.name).toBeLessThanOrEqual(full.result.confidence);
      expect(soft.result.confidence, subject.name).toBeLessThanOrEqual(full.result.confidence);
    }
  });

  it('never gets a photo the quality gate rejects: the photo pass stops with the gate report', async () => {
    const blurred = await sharp(subjects[0]!.photo).blur(8).jpeg().toBuffer();
    const pass = await passPhoto(model, blurred);
    expect(pass.passed).toBe(false);
    expect(pass.quality.problems.map((problem) => problem.code)).toContain('too-blurry');
    expect(pass).not.toHaveProperty('input');
  });

  it('stops when the analysis is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('worker shutting down'));
    const input = await passedInput(model, subjects[0]!.photo);
    await expect(analyzer.analyze(input, controller.signal)).rejects.toThrow('worker shutting down');
  });
});
