import type { RgbPixels } from './capture-perturbations.ts';
import { seededRandom } from '../seeded-random.ts';
import { toSrgb, TO_LINEAR } from './linear-light.ts';

// Controlled amounts of each skin concern drawn onto a real face, for the dose-response bench: spots of a
// known size and contrast, redness of a known strength, lines of a known length and depth, pores at a known
// density, shine of a known strength, papules of a known count. Each is drawn in linear light as a
// multiplicative change of the skin under it (pigment and blood absorb; they do not paint over), with a
// soft edge. Positions come from a seeded generator and a larger dose keeps every mark of a smaller one
// and adds more, so the amounts are nested: a score that is not monotonic in them is the analyser's doing.

/** Where a stimulus may be drawn: 1 inside (e.g. the cheeks' polygons), 0 outside; same size as the image. */
export interface StimulusMask {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A pixel's share of a mark: 1 at its core, falling to 0 across a soft edge (a smoothstep). */
const softEdge = (distance: number, radius: number, edge: number) => {
  if (distance <= radius - edge) return 1;
  if (distance >= radius) return 0;
  const t = (radius - distance) / edge;
  return t * t * (3 - 2 * t);
};

interface Canvas {
  linear: Float64Array;
  width: number;
  height: number;
}
const canvasOf = (image: RgbPixels): Canvas => ({
  linear: Float64Array.from(image.data, (v) => TO_LINEAR[v]!),
  width: image.width,
  height: image.height,
});
const pixelsOf = (canvas: Canvas): RgbPixels => ({
  data: Uint8Array.from(canvas.linear, toSrgb),
  width: canvas.width,
  height: canvas.height,
});

/** Absorbs `depth` (per channel, 0–1) of the light at each pixel, weighted by `weight(x, y)`, within a box. */
function absorb(
  canvas: Canvas,
  box: [number, number, number, number],
  depth: readonly number[],
  weight: (x: number, y: number) => number,
) {
  const [x0, y0, x1, y1] = box;
  for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(canvas.height - 1, Math.ceil(y1)); y++)
    for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(canvas.width - 1, Math.ceil(x1)); x++) {
      const w = weight(x, y);
      if (w <= 0) continue;
      const i = (y * canvas.width + x) * 3;
      for (let c = 0; c < 3; c++) canvas.linear[i + c]! *= 1 - w * depth[c]!;
    }
}

/** The points around a centre that must be in the mask for a mark there to fit. */
type Reach = (x: number, y: number) => [number, number][];

/** A disc's reach: four points on its rim. */
export const discReach =
  (radius: number): Reach =>
  (x, y) =>
    [0, 1, 2, 3].map((q) => [x + radius * Math.cos((q * Math.PI) / 2), y + radius * Math.sin((q * Math.PI) / 2)]);

/**
 * `count` centres inside the mask whose `reach` is inside it too, at least `spacing` apart, in the
 * generator's order: the first k are the same for every count ≥ k.
 */
export function placeInMask(mask: StimulusMask, count: number, reach: Reach, spacing: number, seed: number): [number, number][] {
  const inside = (x: number, y: number) => {
    const [px, py] = [Math.round(x), Math.round(y)];
    return px >= 0 && py >= 0 && px < mask.width && py < mask.height && mask.data[py * mask.width + px] === 1;
  };
  const next = seededRandom(seed);
  const placed: [number, number][] = [];
  for (let tries = 0; placed.length < count && tries < count * 2000; tries++) {
    const x = next() * mask.width;
    const y = next() * mask.height;
    if (
      inside(x, y) &&
      reach(x, y).every(([rx, ry]) => inside(rx, ry)) &&
      placed.every(([px, py]) => Math.hypot(px - x, py - y) >= spacing)
    )
      placed.push([x, y]);
  }
  if (placed.length < count) throw new RangeError(`only ${placed.length} of ${count} marks fit in the mask`);
  return placed;
}

/** Brown spots (melanin): absorb more blue than red. Depth is per unit of contrast. */
const MELANIN = [0.75, 0.9, 1] as const;
/** Blood (haemoglobin): absorbs green and blue, spares red. */
const HAEMOGLOBIN = [0.05, 1, 0.7] as const;
const scaled = (absorption: readonly number[], contrast: number) => absorption.map((a) => a * contrast);

function discs(image: RgbPixels, centres: [number, number][], diameter: number, depth: readonly number[]): RgbPixels {
  const canvas = canvasOf(image);
  const radius = diameter / 2;
  const edge = Math.max(1, radius / 3);
  for (const [cx, cy] of centres)
    absorb(canvas, [cx - radius, cy - radius, cx + radius, cy + radius], depth, (x, y) =>
      softEdge(Math.hypot(x - cx, y - cy), radius, edge),
    );
  return pixelsOf(canvas);
}

export interface DiscDose {
  count: number;
  diameterPx: number;
  /** 0–1: the share of light a mark's core absorbs in the channel its pigment absorbs most. */
  contrast: number;
  seed?: number;
}

function drawDiscs(image: RgbPixels, mask: StimulusMask, dose: DiscDose, pigment: readonly number[], spacing: number) {
  const centres = placeInMask(mask, dose.count, discReach(dose.diameterPx / 2), dose.diameterPx * spacing, dose.seed ?? 1);
  return discs(image, centres, dose.diameterPx, scaled(pigment, dose.contrast));
}

/** Pigmented spots (lentigines) of one size and contrast. */
export const drawSpots = (image: RgbPixels, mask: StimulusMask, dose: DiscDose) => drawDiscs(image, mask, dose, MELANIN, 1.5);

/** Inflamed acne papules: small red discs, further apart than spots. */
export const drawPapules = (image: RgbPixels, mask: StimulusMask, dose: DiscDose) => drawDiscs(image, mask, dose, HAEMOGLOBIN, 2);

/** Dark circles: shadow and venous blood under thin skin, absorbing a little more blue and green than red. */
const UNDER_EYE = [0.8, 0.95, 1] as const;

/** A diffuse change over the whole mask, `strength` 0–1, feathered over `featherPx` at its border. */
function drawDiffuse(image: RgbPixels, mask: StimulusMask, pigment: readonly number[], strength: number, featherPx: number) {
  const canvas = canvasOf(image);
  const weight = featheredMask(mask, featherPx);
  absorb(canvas, [0, 0, mask.width - 1, mask.height - 1], scaled(pigment, strength), (x, y) => weight[y * mask.width + x]!);
  return pixelsOf(canvas);
}

/** Diffuse redness (erythema) over the whole mask. */
export const drawDiffuseRedness = (image: RgbPixels, mask: StimulusMask, strength: number, featherPx = 6) =>
  drawDiffuse(image, mask, HAEMOGLOBIN, strength, featherPx);

/** Darkening under the eyes over the whole mask. */
export const drawDarkCircles = (image: RgbPixels, mask: StimulusMask, strength: number, featherPx = 6) =>
  drawDiffuse(image, mask, UNDER_EYE, strength, featherPx);

/** The mask blurred by a box of `radius` in each direction (two passes of a running sum): a soft border. */
function featheredMask(mask: StimulusMask, radius: number): Float64Array {
  const { width, height } = mask;
  const pass = (source: Float64Array, horizontal: boolean) => {
    const out = new Float64Array(source.length);
    const [outer, inner] = horizontal ? [height, width] : [width, height];
    for (let o = 0; o < outer; o++) {
      let sum = 0;
      const at = (i: number) => (horizontal ? o * width + i : i * width + o);
      for (let i = -radius; i <= radius; i++) if (i >= 0 && i < inner) sum += source[at(i)]!;
      for (let i = 0; i < inner; i++) {
        out[at(i)] = sum / (2 * radius + 1);
        if (i + radius + 1 < inner) sum += source[at(i + radius + 1)]!;
        if (i - radius >= 0) sum -= source[at(i - radius)]!;
      }
    }
    return out;
  };
  return pass(pass(Float64Array.from(mask.data), true), false).map((w, i) => (mask.data[i] === 1 ? w : 0));
}

export interface LineDose {
  count: number;
  lengthPx: number;
  /** 0–1: the share of light absorbed along the line's centre (shadow of the fold). */
  depth: number;
  widthPx: number;
  /** Direction in degrees from the horizontal: forehead lines near 0, crow's feet about ±30. */
  angleDeg: number;
  seed?: number;
}

/** Fine lines or wrinkles: straight dark strokes with a soft profile across them. */
export function drawLines(image: RgbPixels, mask: StimulusMask, dose: LineDose): RgbPixels {
  const half = dose.lengthPx / 2;
  const [dx, dy] = [Math.cos((dose.angleDeg * Math.PI) / 180), Math.sin((dose.angleDeg * Math.PI) / 180)];
  const ends: Reach = (x, y) => [
    [x - half * dx, y - half * dy],
    [x + half * dx, y + half * dy],
  ];
  const centres = placeInMask(mask, dose.count, ends, dose.widthPx * 4, dose.seed ?? 3);
  const canvas = canvasOf(image);
  const shadow = [dose.depth, dose.depth, dose.depth];
  for (const [cx, cy] of centres)
    absorb(
      canvas,
      [cx - half - dose.widthPx, cy - half - dose.widthPx, cx + half + dose.widthPx, cy + half + dose.widthPx],
      shadow,
      (x, y) => {
        const along = (x - cx) * dx + (y - cy) * dy;
        const across = Math.abs(-(x - cx) * dy + (y - cy) * dx);
        return Math.abs(along) > half ? 0 : softEdge(across, dose.widthPx / 2, Math.max(0.5, dose.widthPx / 2));
      },
    );
  return pixelsOf(canvas);
}

export interface PoreDose {
  /** Pores per 1,000 pixels of mask. */
  density: number;
  diameterPx: number;
  depth: number;
  seed?: number;
}

/** Enlarged pores: small dark dots at a density over the whole mask. */
export function drawPores(image: RgbPixels, mask: StimulusMask, dose: PoreDose): RgbPixels {
  const area = mask.data.reduce((a, v) => a + v, 0);
  const count = Math.round((dose.density * area) / 1000);
  const centres = placeInMask(mask, count, discReach(dose.diameterPx / 2), dose.diameterPx * 1.5, dose.seed ?? 4);
  return discs(image, centres, dose.diameterPx, [dose.depth, dose.depth, dose.depth]);
}

/**
 * Shine (sebum's specular reflection): the light of `blobs` soft patches of `diameterPx` raised towards
 * white by `strength` (0–1) at their centre, as a highlight adds the light's colour to the skin's.
 */
export function drawShine(
  image: RgbPixels,
  mask: StimulusMask,
  dose: { strength: number; blobs: number; diameterPx: number; seed?: number },
): RgbPixels {
  const centres = placeInMask(mask, dose.blobs, discReach(dose.diameterPx / 4), dose.diameterPx / 2, dose.seed ?? 5);
  const canvas = canvasOf(image);
  const radius = dose.diameterPx / 2;
  for (const [cx, cy] of centres)
    for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(canvas.height - 1, Math.ceil(cy + radius)); y++)
      for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(canvas.width - 1, Math.ceil(cx + radius)); x++) {
        if (mask.data[y * mask.width + x] !== 1) continue;
        // A highlight fades smoothly from its centre, unlike a mark's firm edge.
        const w = dose.strength * softEdge(Math.hypot(x - cx, y - cy), radius, radius);
        const i = (y * canvas.width + x) * 3;
        for (let c = 0; c < 3; c++) canvas.linear[i + c]! += w * (1 - canvas.linear[i + c]!);
      }
  return pixelsOf(canvas);
}
