import type { Concern, Region } from '../../src/analysis/skin-analyzer.ts';
import type { RgbPixels } from './capture-perturbations.ts';
import {
  drawDarkCircles,
  drawDiffuseRedness,
  drawLines,
  drawPapules,
  drawPores,
  drawShine,
  drawSpots,
  type StimulusMask,
} from './skin-stimuli.ts';

// The amounts of each concern the dose-response bench draws, from none to plainly visible, in the units a
// grader would count them in (spots and papules by count, lines by count at a fixed length, pores by
// density, redness and shine by strength). Sizes are in millimetres of face, turned into pixels by the
// face's own width: 144 mm of face oval is the adult width the analyser's scale assumes (0.4 mm a pixel
// at 360 px). Doses are nested: each level keeps every mark of the one before and adds to it.

export const FACE_OVAL_MM = 144;

export interface Dose {
  concern: Concern;
  /** What the amount counts, for the report: "spots", "strength"... */
  unit: string;
  amounts: readonly number[];
  /** The skin the stimulus goes on. */
  regions: readonly Region[];
  draw: (image: RgbPixels, mask: StimulusMask, amount: number, pxPerMm: number) => RgbPixels;
}

export const DOSES: readonly Dose[] = [
  {
    concern: 'pigmentation',
    unit: 'spots of 3 mm',
    amounts: [0, 3, 6, 12, 24],
    regions: ['left_cheek', 'right_cheek', 'forehead'],
    draw: (image, mask, count, mm) => drawSpots(image, mask, { count, diameterPx: 3 * mm, contrast: 0.35 }),
  },
  {
    concern: 'acne',
    unit: 'papules of 2.5 mm',
    amounts: [0, 2, 5, 10, 20],
    regions: ['left_cheek', 'right_cheek', 'chin', 'forehead'],
    draw: (image, mask, count, mm) => drawPapules(image, mask, { count, diameterPx: 2.5 * mm, contrast: 0.5 }),
  },
  {
    concern: 'redness',
    unit: 'strength',
    amounts: [0, 0.05, 0.1, 0.2, 0.3],
    regions: ['left_cheek', 'right_cheek', 'nose'],
    draw: (image, mask, strength, mm) => drawDiffuseRedness(image, mask, strength, Math.round(3 * mm)),
  },
  {
    concern: 'wrinkles',
    unit: 'lines of 25 mm',
    amounts: [0, 1, 2, 4, 6],
    regions: ['forehead'],
    draw: (image, mask, count, mm) =>
      drawLines(image, mask, { count, lengthPx: 25 * mm, widthPx: Math.max(1, 0.6 * mm), depth: 0.3, angleDeg: 0 }),
  },
  {
    concern: 'pores',
    unit: 'pores per 1,000 px',
    amounts: [0, 1, 2, 4, 8],
    regions: ['left_cheek', 'right_cheek', 'nose'],
    draw: (image, mask, density, mm) => drawPores(image, mask, { density, diameterPx: Math.max(1.5, 0.5 * mm), depth: 0.3 }),
  },
  {
    concern: 'oiliness',
    unit: 'shine strength',
    amounts: [0, 0.1, 0.2, 0.35, 0.5],
    regions: ['forehead', 'nose'],
    draw: (image, mask, strength, mm) => drawShine(image, mask, { strength, blobs: 3, diameterPx: 12 * mm }),
  },
  {
    concern: 'dark_circles',
    unit: 'strength',
    amounts: [0, 0.05, 0.1, 0.2, 0.3],
    regions: ['under_eye_left', 'under_eye_right'],
    draw: (image, mask, strength, mm) => drawDarkCircles(image, mask, strength, Math.round(2 * mm)),
  },
];
