import type { Region } from '../../skin-analyzer.ts';
import type { FaceDetection, MeshPoint, RgbImage } from '../face-model.ts';
import { asRgb } from '../face-model.ts';

/*
 * Landmark indices of the 468-point MediaPipe face mesh (the topology @vladmandic/human returns).
 * "Left" and "right" are the person's own sides, as a dermatologist charts them: on an unmirrored
 * photo the person's right cheek is on the image's left. Each region stays inside the skin between
 * the features, a little away from eyelids, brows, lips and nostrils, where make-up and shadows sit.
 */
export const REGION_LANDMARKS: Record<Region, readonly number[]> = {
  // Lower forehead and glabella: from the row halfway up the forehead (the top rows are often under
  // hair) down to the brows, which the skin mask cuts out.
  forehead: [104, 69, 108, 151, 337, 299, 333, 334, 296, 336, 9, 107, 66, 105],
  // Below the infraorbital row, outside the nasolabial fold, above the jaw line.
  right_cheek: [116, 117, 118, 119, 100, 142, 203, 205, 187, 147, 123],
  left_cheek: [345, 346, 347, 348, 329, 371, 423, 425, 411, 376, 352],
  // Bridge and tip, without the alae and nostrils.
  nose: [168, 351, 419, 248, 281, 275, 1, 45, 51, 3, 196, 122],
  // Between the lower lip and the chin contour.
  chin: [182, 83, 18, 313, 406, 262, 369, 396, 175, 171, 140, 32],
  // Between the second ring under the lower eyelid (the lash line inside it is cut out with the eye)
  // and the infraorbital row.
  under_eye_right: [25, 110, 24, 23, 22, 26, 112, 233, 128, 121, 120, 119, 118, 117, 111, 31],
  under_eye_left: [255, 339, 254, 253, 252, 256, 341, 453, 357, 350, 349, 348, 347, 346, 340, 261],
};

/** The face oval (MediaPipe silhouette). */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58,
  132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];

/** Features cut out of the face mask: eyes with their lash line, brows, lips, nostrils. */
const FEATURES: readonly (readonly number[])[] = [
  [130, 25, 110, 24, 23, 22, 26, 112, 243, 190, 56, 28, 27, 29, 30, 247],
  [359, 255, 339, 254, 253, 252, 256, 341, 463, 414, 286, 258, 257, 259, 260, 467],
  [70, 63, 105, 66, 107, 55, 65, 52, 53, 46],
  [300, 293, 334, 296, 336, 285, 295, 282, 283, 276],
  [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185],
  // Nostrils and alae, up to the underside of the tip (1) so the tip stays in the nose region.
  [64, 98, 97, 2, 326, 327, 294, 278, 344, 440, 275, 1, 45, 220, 115, 48],
];

/** Region ids in the label map: index in this list + 1 (0 = not in a region). */
export const REGION_ORDER: readonly Region[] = [
  'forehead',
  'right_cheek',
  'left_cheek',
  'nose',
  'chin',
  'under_eye_right',
  'under_eye_left',
];

type Point2 = readonly [number, number];

/** Fills a polygon into `target` with `value` (even-odd rule, pixel centres). */
export function fillPolygon(target: Uint8Array, width: number, height: number, polygon: readonly Point2[], value: number): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [, y] of polygon) {
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const crossings: number[] = [];
  const y0 = Math.max(0, Math.floor(minY));
  const y1 = Math.min(height - 1, Math.ceil(maxY));
  for (let row = y0; row <= y1; row++) {
    const cy = row + 0.5;
    crossings.length = 0;
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
      const [xi, yi] = polygon[i]!;
      const [xj, yj] = polygon[j]!;
      if (yi > cy !== yj > cy) crossings.push(xi + ((cy - yi) / (yj - yi)) * (xj - xi));
    }
    crossings.sort((p, q) => p - q);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.max(0, Math.ceil(crossings[k]! - 0.5));
      const to = Math.min(width - 1, Math.floor(crossings[k + 1]! - 0.5));
      if (to >= from) target.fill(value, row * width + from, row * width + to + 1);
    }
  }
}

/** The face cut from the photo and resampled so the face oval has a fixed width. */
export interface FaceCrop {
  rgb: Uint8Array;
  width: number;
  height: number;
  /** Where the crop sits in the photo, in photo pixels. */
  left: number;
  top: number;
  sourceWidth: number;
  sourceHeight: number;
  /** Crop pixels per photo pixel. */
  scale: number;
  /** The mesh in crop pixels. */
  mesh: MeshPoint[];
}

/** Extent of the face oval in photo pixels: [minX, minY, maxX, maxY]. */
export function ovalExtent(mesh: readonly MeshPoint[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const index of FACE_OVAL) {
    const [x, y] = mesh[index]!;
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

interface FilterTaps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

/**
 * Taps of a triangle filter mapping `sourceLength` samples starting at `offset` onto `targetLength`:
 * bilinear when enlarging, an area-weighted average when reducing (no aliasing of fine texture).
 */
function filterTaps(offset: number, sourceLength: number, targetLength: number, limit: number): FilterTaps {
  const ratio = sourceLength / targetLength;
  const support = Math.max(1, ratio);
  const stride = Math.ceil(2 * support) + 2;
  const start = new Int32Array(targetLength);
  const count = new Int32Array(targetLength);
  const weights = new Float32Array(targetLength * stride);
  for (let t = 0; t < targetLength; t++) {
    const centre = offset + (t + 0.5) * ratio - 0.5;
    const first = Math.max(0, Math.ceil(centre - support));
    const last = Math.min(limit - 1, Math.floor(centre + support));
    let total = 0;
    let n = 0;
    for (let s = first; s <= last && n < stride; s++, n++) {
      const w = Math.max(0, 1 - Math.abs(s - centre) / support);
      weights[t * stride + n] = w;
      total += w;
    }
    for (let k = 0; k < n; k++) weights[t * stride + k]! /= total || 1;
    if (total === 0) weights[t * stride] = 1;
    start[t] = first;
    count[t] = Math.max(1, n);
  }
  return { start, count, weights, stride };
}

/** Resamples a window of an interleaved RGB image to `width`×`height` (separable triangle filter). */
export function resampleWindow(
  rgb: Uint8Array,
  imageWidth: number,
  imageHeight: number,
  window: { left: number; top: number; width: number; height: number },
  width: number,
  height: number,
): Uint8Array {
  const xs = filterTaps(window.left, window.width, width, imageWidth);
  const ys = filterTaps(window.top, window.height, height, imageHeight);
  // Rows of the source touched by the vertical taps, filtered horizontally first.
  const rowFirst = ys.start[0]!;
  const rowLast = ys.start[height - 1]! + ys.count[height - 1]! - 1;
  const rows = rowLast - rowFirst + 1;
  const horizontal = new Float32Array(rows * width * 3);
  for (let r = 0; r < rows; r++) {
    const src = (rowFirst + r) * imageWidth * 3;
    const dst = r * width * 3;
    for (let x = 0; x < width; x++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      const base = x * xs.stride;
      const first = xs.start[x]!;
      for (let k = 0; k < xs.count[x]!; k++) {
        const w = xs.weights[base + k]!;
        const o = src + (first + k) * 3;
        red += w * rgb[o]!;
        green += w * rgb[o + 1]!;
        blue += w * rgb[o + 2]!;
      }
      horizontal[dst + x * 3] = red;
      horizontal[dst + x * 3 + 1] = green;
      horizontal[dst + x * 3 + 2] = blue;
    }
  }
  const out = new Uint8Array(width * height * 3);
  const line = new Float32Array(width * 3);
  for (let y = 0; y < height; y++) {
    line.fill(0);
    const base = y * ys.stride;
    const first = ys.start[y]! - rowFirst;
    for (let k = 0; k < ys.count[y]!; k++) {
      const w = ys.weights[base + k]!;
      const row = (first + k) * width * 3;
      for (let x = 0; x < width * 3; x++) line[x]! += w * horizontal[row + x]!;
    }
    const dst = y * width * 3;
    for (let x = 0; x < width * 3; x++) {
      const v = line[x]!;
      out[dst + x] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return out;
}

/**
 * Cuts the face oval (plus a small margin) out of the photo and resamples it so the oval is
 * `faceWidth` pixels wide, whatever the photo's resolution: every threshold in pixels then means the
 * same distance on the skin (at 360 px, one pixel is about 0.4 mm of a typical adult face).
 */
export function cropFace(image: RgbImage, face: FaceDetection, faceWidth: number): FaceCrop {
  const [minX, minY, maxX, maxY] = ovalExtent(face.mesh);
  const margin = 0.04 * (maxX - minX);
  const left = Math.max(0, Math.floor(minX - margin));
  const top = Math.max(0, Math.floor(minY - margin));
  const right = Math.min(image.width, Math.ceil(maxX + margin));
  const bottom = Math.min(image.height, Math.ceil(maxY + margin));
  const sourceWidth = Math.max(1, right - left);
  const sourceHeight = Math.max(1, bottom - top);
  const scale = faceWidth / Math.max(1, maxX - minX);
  const width = Math.max(1, Math.round(sourceWidth * scale));
  const height = Math.max(1, Math.round(sourceHeight * scale));
  const rgb = resampleWindow(
    asRgb(image),
    image.width,
    image.height,
    { left, top, width: sourceWidth, height: sourceHeight },
    width,
    height,
  );
  const sx = width / sourceWidth;
  const sy = height / sourceHeight;
  return {
    rgb,
    width,
    height,
    left,
    top,
    sourceWidth,
    sourceHeight,
    scale: sx,
    mesh: face.mesh.map(([x, y, z]) => [(x - left) * sx, (y - top) * sy, z * sx]),
  };
}

function polygonOf(mesh: readonly MeshPoint[], indices: readonly number[]): Point2[] {
  return indices.map((index) => [mesh[index]![0], mesh[index]![1]] as const);
}

/** 1 inside the face oval, 0 outside and on the eyes, brows, lips and nostrils. */
export function faceMask(crop: Pick<FaceCrop, 'width' | 'height' | 'mesh'>, withFeaturesCut = true): Uint8Array {
  const mask = new Uint8Array(crop.width * crop.height);
  fillPolygon(mask, crop.width, crop.height, polygonOf(crop.mesh, FACE_OVAL), 1);
  if (withFeaturesCut)
    for (const feature of FEATURES) fillPolygon(mask, crop.width, crop.height, polygonOf(crop.mesh, feature), 0);
  return mask;
}

/** Region id per pixel (see REGION_ORDER), 0 outside every region. */
export function regionLabels(crop: Pick<FaceCrop, 'width' | 'height' | 'mesh'>): Uint8Array {
  const labels = new Uint8Array(crop.width * crop.height);
  REGION_ORDER.forEach((region, index) =>
    fillPolygon(labels, crop.width, crop.height, polygonOf(crop.mesh, REGION_LANDMARKS[region]), index + 1),
  );
  return labels;
}
