import type { Locale } from '../../i18n/locale-vocabulary.ts';
import type { QualityProblemCode } from '../analysis-vocabulary.ts';
import { asRgb, type FaceDetection, type RgbImage } from './face-model.ts';
import { hueAngle, individualTypologyAngle, rgbToLab } from './local/colour.ts';
import { quantile } from './local/measures.ts';
import { cropFace, faceMask, ovalExtent, regionLabels } from './local/regions.ts';

export interface QualityProblem {
  code: QualityProblemCode;
  /** What is wrong and what to do, in each language the product speaks. */
  message: Record<Locale, string>;
  /** The value measured on this photo and the limit it broke, in the unit the message names. */
  measured: number;
  threshold: number;
}

export interface QualityMeasures {
  width: number;
  height: number;
  /** Confident faces that are not tiny next to the largest one. */
  faceCount: number;
  /** The detector's confidence for the face that is measured (the largest), or null without one. */
  faceScore: number | null;
  /** Width of the face oval as a share of the photo's short side. */
  faceWidthRatio: number | null;
  /** Share of the face oval's bounding box outside the photo. */
  faceOutsideRatio: number | null;
  /** Mean CIELAB L* (0–100) over the face oval. */
  faceLightness: number | null;
  /** 99th percentile of L* over the whole photo: how bright its brightest parts are. */
  sceneHighlight: number;
  /** Share of face-oval pixels with a channel at 250 or more. */
  faceClipped: number | null;
  /** Variance of the Laplacian of L* over the face, resampled to a fixed face width. */
  sharpness: number | null;
  /** Median hue angle h_ab (degrees) and chroma C*ab of the skin of cheeks, forehead and nose. */
  skinHue: number | null;
  skinChroma: number | null;
  /**
   * Individual typology angle (ITA°) of the same skin's median L* and b*: the skin tone every result is
   * stored with, whichever provider analyses it. It depends on the light, like any colour in a photo.
   */
  skinIta: number | null;
}

export interface QualityReport {
  passed: boolean;
  problems: QualityProblem[];
  measures: QualityMeasures;
}

/*
 * Thresholds. They were set on the 20 faces derived from the face-api sample photos (1080 px crops of
 * 2× enlarged group-photo faces, so softer than a phone portrait) and on degraded copies of them made
 * with sharp: blur σ 1–6 px, brightness ×0.25–×0.5, +60% with offset, colour tints and greyscale.
 * Each comment gives the measured spread the value sits in.
 */

/** Smaller photos hold too few pixels of skin for any measure. */
export const MIN_SHORT_SIDE = 480;
/** The box detector's confidence: real faces scored 0.62–0.95, false boxes with confident meshes ≤ 0.41. */
export const MIN_DETECTOR_SCORE = 0.5;
/** The combined detector and mesh confidence below which a face is not counted. */
export const MIN_FACE_SCORE = 0.5;
/** A face narrower than this share of the largest one (a poster, a passer-by far behind) is not counted. */
export const SECONDARY_FACE_MIN_RATIO = 0.3;
/**
 * Face-oval width (cheek to cheek, about 60% of a detector box) over the photo's short side. The good
 * crops measure 0.31–0.58; 0.16 matches a detector box of about 25% of the frame.
 */
export const MIN_FACE_WIDTH_RATIO = 0.16;
/** Any part of the face oval outside the photo (the mesh extrapolates past the border) means cut off. */
export const MAX_FACE_OUTSIDE_RATIO = 0;
/**
 * Mean L* of the face oval. Good crops 31–71; ×0.35 brightness 9–24. A deep skin tone in good light
 * sits near L* 30–40, so the absolute floor is low and a dim face (below 38) is only rejected when the
 * whole scene is dim too (its 99th-percentile L* under 55; good crops 58–100, ×0.5 brightness 30–53).
 */
export const MIN_FACE_LIGHTNESS = 22;
export const DIM_FACE_LIGHTNESS = 38;
export const DIM_SCENE_HIGHLIGHT = 55;
/** Over-exposure: good crops clip at most 29% of the face (a blonde under a spotlight), brightened copies 39–99%. */
export const MAX_FACE_CLIPPED = 0.35;
export const MAX_FACE_LIGHTNESS = 82;
/**
 * Variance of the Laplacian of L* at a face width of 256 px. Good crops 0.54–6.6 (the sharp ones, like
 * a phone portrait, score 3–7); blur σ 3 px 0.29–0.99 (median 0.50), σ 5 px 0.26–0.54 (median 0.34);
 * the JPEG noise floor is about 0.25. It is not scaled by lightness: that was tried, and it lifts the
 * noise of dim photos above real detail. A dim or very deep-toned face therefore reads a little
 * softer, which is why the floor sits well below what any phone portrait scores.
 */
export const MIN_SHARPNESS = 0.45;
/**
 * Skin hue angle h_ab in degrees. Skin of every tone sits around 40–70° under white light; good crops
 * measured 33–82°, one under a purple stage light −11° and one under a red one 14°; green tints
 * 101–130°, strong blue ones below 0°.
 */
export const MIN_SKIN_HUE = 25;
export const MAX_SKIN_HUE = 92;
/** Below this C*ab the photo has no usable colour (greyscale or fully washed out); good crops 7.6–45. */
export const MIN_SKIN_CHROMA = 4;

/** Face width the gate measures at, so sharpness means the same at any photo size. */
export const GATE_FACE_WIDTH = 256;

function sceneHighlight(rgb: Uint8Array, width: number, height: number): number {
  // About 40,000 pixels on a grid are plenty for a percentile of the whole photo.
  const step = Math.max(1, Math.round(Math.sqrt((width * height) / 40_000)));
  const cols = Math.ceil(width / step);
  const rows = Math.ceil(height / step);
  const sample = new Uint8Array(cols * rows * 3);
  let k = 0;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const o = (y * width + x) * 3;
      sample[k++] = rgb[o]!;
      sample[k++] = rgb[o + 1]!;
      sample[k++] = rgb[o + 2]!;
    }
  }
  return quantile(rgbToLab(sample, cols, rows).L, null, 0.99);
}

function countedFaces(faces: readonly FaceDetection[]): FaceDetection[] {
  const confident = faces.filter((face) => face.score >= MIN_FACE_SCORE && face.detectorScore >= MIN_DETECTOR_SCORE);
  const widest = Math.max(0, ...confident.map((face) => face.box[2]));
  return confident.filter((face) => face.box[2] >= SECONDARY_FACE_MIN_RATIO * widest).sort((a, b) => b.box[2] - a.box[2]);
}

/** Everything the gate judges, measured once. */
export function measureQuality(image: RgbImage, faces: readonly FaceDetection[]): QualityMeasures {
  const rgb = asRgb(image);
  const { width, height } = image;
  const counted = countedFaces(faces);
  const measures: QualityMeasures = {
    width,
    height,
    faceCount: counted.length,
    faceScore: null,
    faceWidthRatio: null,
    faceOutsideRatio: null,
    faceLightness: null,
    sceneHighlight: sceneHighlight(rgb, width, height),
    faceClipped: null,
    sharpness: null,
    skinHue: null,
    skinChroma: null,
    skinIta: null,
  };
  const face = counted[0];
  if (!face) return measures;

  const [minX, minY, maxX, maxY] = ovalExtent(face.mesh);
  const ovalWidth = maxX - minX;
  const ovalHeight = maxY - minY;
  // A face touching the border counts as cut off: the inner frame is one pixel smaller on each side.
  const inside =
    Math.max(0, Math.min(maxX, width - 1) - Math.max(minX, 1)) * Math.max(0, Math.min(maxY, height - 1) - Math.max(minY, 1));
  measures.faceScore = face.score;
  measures.faceWidthRatio = ovalWidth / Math.min(width, height);
  measures.faceOutsideRatio = 1 - inside / Math.max(1, ovalWidth * ovalHeight);

  const crop = cropFace({ data: rgb, width, height }, face, GATE_FACE_WIDTH);
  const lab = rgbToLab(crop.rgb, crop.width, crop.height);
  const oval = faceMask(crop, false);
  let sum = 0;
  let count = 0;
  let clipped = 0;
  for (let i = 0; i < oval.length; i++) {
    if (!oval[i]) continue;
    sum += lab.L[i]!;
    count++;
    if (crop.rgb[i * 3]! >= 250 || crop.rgb[i * 3 + 1]! >= 250 || crop.rgb[i * 3 + 2]! >= 250) clipped++;
  }
  if (count === 0) return measures;
  measures.faceLightness = sum / count;
  measures.faceClipped = clipped / count;

  // Laplacian over pixels whose 4 neighbours are inside the oval: the oval's own edge is not detail.
  let lapSum = 0;
  let lapSquares = 0;
  let lapCount = 0;
  const w = crop.width;
  for (let y = 1; y < crop.height - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (!oval[i] || !oval[i - 1] || !oval[i + 1] || !oval[i - w] || !oval[i + w]) continue;
      const lap = 4 * lab.L[i]! - lab.L[i - 1]! - lab.L[i + 1]! - lab.L[i - w]! - lab.L[i + w]!;
      lapSum += lap;
      lapSquares += lap * lap;
      lapCount++;
    }
  }
  if (lapCount > 0) measures.sharpness = lapSquares / lapCount - (lapSum / lapCount) ** 2;

  const labels = regionLabels(crop);
  const skin = new Uint8Array(labels.length);
  // forehead, cheeks and nose (ids 1–4): the largest patches of bare skin.
  for (let i = 0; i < labels.length; i++) skin[i] = labels[i]! >= 1 && labels[i]! <= 4 && oval[i] ? 1 : 0;
  const L = quantile(lab.L, skin, 0.5);
  const a = quantile(lab.a, skin, 0.5);
  const b = quantile(lab.b, skin, 0.5);
  if (Number.isFinite(L) && Number.isFinite(a) && Number.isFinite(b)) {
    measures.skinHue = hueAngle(a, b);
    measures.skinChroma = Math.hypot(a, b);
    measures.skinIta = individualTypologyAngle(L, b);
  }
  return measures;
}

type MessageVariant = (measured: string, threshold: string) => Record<Locale, string>;

const MESSAGES = {
  'image-too-small': (m, t) => ({
    en: `The photo is too small: its short side is ${m} px and at least ${t} px is needed. Take the photo at the camera's full resolution.`,
    th: `รูปภาพมีขนาดเล็กเกินไป ด้านที่สั้นกว่ามีขนาด ${m} พิกเซล แต่ต้องมีอย่างน้อย ${t} พิกเซล กรุณาถ่ายภาพด้วยความละเอียดเต็มของกล้อง`,
    zh: `照片太小：短边为 ${m} 像素，至少需要 ${t} 像素。请使用相机的最高分辨率拍摄。`,
  }),
  'no-face': () => ({
    en: 'No face was found in the photo. Take a photo facing the camera with the whole face visible.',
    th: 'ไม่พบใบหน้าในรูปภาพ กรุณาถ่ายภาพโดยหันหน้าเข้าหากล้องและให้เห็นใบหน้าทั้งหมด',
    zh: '照片中未检测到人脸。请正对相机拍摄，并确保整张脸清晰可见。',
  }),
  'multiple-faces': (m) => ({
    en: `The photo shows ${m} faces. Take a photo of one person only.`,
    th: `พบใบหน้า ${m} ใบหน้าในรูปภาพ กรุณาถ่ายภาพเพียงคนเดียว`,
    zh: `照片中有 ${m} 张人脸。请只拍摄一个人。`,
  }),
  'face-too-small': (m, t) => ({
    en: `The face is too small in the photo (${m}% of the frame's width; at least ${t}% is needed). Move the camera closer.`,
    th: `ใบหน้าในรูปภาพเล็กเกินไป (${m}% ของความกว้างภาพ ต้องมีอย่างน้อย ${t}%) กรุณาถือกล้องให้ใกล้ใบหน้ามากขึ้น`,
    zh: `照片中的脸部太小（占画面宽度的 ${m}%，至少需要 ${t}%）。请将相机靠近一些。`,
  }),
  'face-cut-off': (m) => ({
    en: `Part of the face (${m}%) is outside the photo. Keep the whole face, from hairline to chin, inside the frame.`,
    th: `ใบหน้าบางส่วน (${m}%) อยู่นอกกรอบภาพ กรุณาให้ใบหน้าทั้งหมดตั้งแต่แนวไรผมถึงคางอยู่ในกรอบ`,
    zh: `部分脸部（${m}%）在照片之外。请让整张脸（从发际线到下巴）都在画面内。`,
  }),
  'too-dark': (m, t) => ({
    en: `The face is too dark (lightness ${m}; at least ${t} is needed). Face a window or a bright, even light.`,
    th: `ใบหน้ามืดเกินไป (ค่าความสว่าง ${m} ต้องมีอย่างน้อย ${t}) กรุณาหันหน้าเข้าหาหน้าต่างหรือแสงสว่างที่สม่ำเสมอ`,
    zh: `脸部太暗（亮度 ${m}，至少需要 ${t}）。请面向窗户或明亮均匀的光源拍摄。`,
  }),
  'over-exposed': (m, t) => ({
    en: `The face is over-exposed: ${m}% of it is washed out (at most ${t}%). Avoid direct flash and strong sunlight.`,
    th: `ใบหน้าสว่างเกินไป ${m}% ของใบหน้าขาวจนไม่เห็นรายละเอียด (ไม่ควรเกิน ${t}%) กรุณาหลีกเลี่ยงแฟลชตรงและแสงแดดจ้า`,
    zh: `脸部曝光过度：${m}% 的区域过亮、失去细节（最多 ${t}%）。请避免直射闪光灯和强烈阳光。`,
  }),
  'too-blurry': (m, t) => ({
    en: `The photo is too blurry (sharpness ${m}; at least ${t} is needed). Hold the camera still and tap the face to focus.`,
    th: `รูปภาพเบลอเกินไป (ความคมชัด ${m} ต้องมีอย่างน้อย ${t}) กรุณาถือกล้องให้นิ่งและแตะที่ใบหน้าเพื่อโฟกัส`,
    zh: `照片太模糊（清晰度 ${m}，至少需要 ${t}）。请拿稳相机，并点击脸部对焦。`,
  }),
  'colour-cast': (m, t) => ({
    en: `The light gives the skin a strong colour cast (skin hue ${m}°; natural skin lies within ${t}°). Take the photo in daylight or white light, without colour filters.`,
    th: `แสงทำให้สีผิวเพี้ยนมาก (โทนสีผิว ${m}° สีผิวธรรมชาติอยู่ในช่วง ${t}°) กรุณาถ่ายภาพในแสงธรรมชาติหรือแสงสีขาว และไม่ใช้ฟิลเตอร์สี`,
    zh: `光线导致肤色严重偏色（肤色色相 ${m}°，自然肤色应在 ${t}° 范围内）。请在日光或白光下拍摄，不要使用颜色滤镜。`,
  }),
} satisfies Record<QualityProblemCode, MessageVariant>;

const TOO_BRIGHT: MessageVariant = (m, t) => ({
  en: `The face is too bright (lightness ${m}; at most ${t}): skin detail is washed out. Avoid direct flash and strong sunlight.`,
  th: `ใบหน้าสว่างเกินไป (ค่าความสว่าง ${m} ไม่ควรเกิน ${t}) จนไม่เห็นรายละเอียดของผิว กรุณาหลีกเลี่ยงแฟลชตรงและแสงแดดจ้า`,
  zh: `脸部太亮（亮度 ${m}，最多 ${t}），皮肤细节已丢失。请避免直射闪光灯和强烈阳光。`,
});

const NO_COLOUR: MessageVariant = (m, t) => ({
  en: `The photo has almost no colour (skin chroma ${m}; at least ${t} is needed), so skin tone cannot be measured. Send a colour photo without filters.`,
  th: `รูปภาพแทบไม่มีสี (ความอิ่มตัวของสีผิว ${m} ต้องมีอย่างน้อย ${t}) จึงวัดสีผิวไม่ได้ กรุณาส่งภาพสีที่ไม่ใช้ฟิลเตอร์`,
  zh: `照片几乎没有颜色（肤色彩度 ${m}，至少需要 ${t}），无法测量肤色。请发送未使用滤镜的彩色照片。`,
});

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function problem(
  code: QualityProblemCode,
  measured: number,
  threshold: number,
  shown: [string, string] = [String(measured), String(threshold)],
  variant: MessageVariant = MESSAGES[code],
): QualityProblem {
  return { code, message: variant(...shown), measured, threshold };
}

/**
 * Decides whether a photo is fit for skin analysis. Every problem found is listed (not only the
 * first), each with the value measured and the limit it broke, and a message in English, Thai and Chinese.
 */
export function assessQuality(image: RgbImage, faces: readonly FaceDetection[]): QualityReport {
  const measures = measureQuality(image, faces);
  const problems: QualityProblem[] = [];
  const shortSide = Math.min(measures.width, measures.height);
  if (shortSide < MIN_SHORT_SIDE) problems.push(problem('image-too-small', shortSide, MIN_SHORT_SIDE));
  if (measures.faceCount === 0) problems.push(problem('no-face', 0, 1));
  if (measures.faceCount > 1) problems.push(problem('multiple-faces', measures.faceCount, 1));

  const percent = (value: number) => String(Math.round(value * 100));
  if (measures.faceWidthRatio !== null && measures.faceWidthRatio < MIN_FACE_WIDTH_RATIO) {
    const measured = round(measures.faceWidthRatio, 3);
    problems.push(problem('face-too-small', measured, MIN_FACE_WIDTH_RATIO, [percent(measured), percent(MIN_FACE_WIDTH_RATIO)]));
  }
  if (measures.faceOutsideRatio !== null && measures.faceOutsideRatio > MAX_FACE_OUTSIDE_RATIO) {
    const measured = round(measures.faceOutsideRatio, 3);
    problems.push(
      problem('face-cut-off', measured, MAX_FACE_OUTSIDE_RATIO, [String(Math.max(1, Math.round(measured * 100))), '0']),
    );
  }
  if (measures.faceLightness !== null) {
    const lightness = round(measures.faceLightness, 1);
    if (lightness < MIN_FACE_LIGHTNESS) problems.push(problem('too-dark', lightness, MIN_FACE_LIGHTNESS));
    else if (lightness < DIM_FACE_LIGHTNESS && measures.sceneHighlight < DIM_SCENE_HIGHLIGHT)
      problems.push(problem('too-dark', lightness, DIM_FACE_LIGHTNESS));
    if (measures.faceClipped !== null && measures.faceClipped > MAX_FACE_CLIPPED) {
      const clipped = round(measures.faceClipped, 3);
      problems.push(problem('over-exposed', clipped, MAX_FACE_CLIPPED, [percent(clipped), percent(MAX_FACE_CLIPPED)]));
    } else if (lightness > MAX_FACE_LIGHTNESS) {
      problems.push(
        problem('over-exposed', lightness, MAX_FACE_LIGHTNESS, [String(lightness), String(MAX_FACE_LIGHTNESS)], TOO_BRIGHT),
      );
    }
  }
  if (measures.sharpness !== null && measures.sharpness < MIN_SHARPNESS) {
    problems.push(problem('too-blurry', round(measures.sharpness, 2), MIN_SHARPNESS));
  }
  if (measures.skinChroma !== null && measures.skinHue !== null) {
    const chroma = round(measures.skinChroma, 1);
    const hue = round(measures.skinHue, 1);
    const range = `${MIN_SKIN_HUE}–${MAX_SKIN_HUE}`;
    if (chroma < MIN_SKIN_CHROMA)
      problems.push(problem('colour-cast', chroma, MIN_SKIN_CHROMA, [String(chroma), String(MIN_SKIN_CHROMA)], NO_COLOUR));
    else if (hue < MIN_SKIN_HUE) problems.push(problem('colour-cast', hue, MIN_SKIN_HUE, [String(hue), range]));
    else if (hue > MAX_SKIN_HUE) problems.push(problem('colour-cast', hue, MAX_SKIN_HUE, [String(hue), range]));
  }
  return { passed: problems.length === 0, problems, measures };
}

/** The face the gate judged and the analysis measures: the widest of the counted faces. */
export function primaryFace(faces: readonly FaceDetection[]): FaceDetection | null {
  return countedFaces(faces)[0] ?? null;
}
