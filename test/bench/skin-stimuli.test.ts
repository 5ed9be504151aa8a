import { describe, expect, it } from 'vitest';
import type { RgbPixels } from '../../bench/skin-analysis/capture-perturbations.ts';
import { linearLight } from '../support/srgb.ts';
import {
  drawDarkCircles,
  drawDiffuseRedness,
  drawLines,
  drawPapules,
  drawPores,
  drawShine,
  discReach,
  drawSpots,
  placeInMask,
  type StimulusMask,
} from '../../bench/skin-analysis/skin-stimuli.ts';

const linear = linearLight;
const W = 200;
const H = 160;
/** Even skin, one colour. */
const skin = (): RgbPixels => {
  const data = new Uint8Array(W * H * 3);
  for (let i = 0; i < data.length; i += 3) data.set([196, 150, 128], i);
  return { data, width: W, height: H };
};
/** A rectangle of the image where marks may go. */
const box = (x0: number, y0: number, x1: number, y1: number): StimulusMask => {
  const data = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) data.fill(1, y * W + x0, y * W + x1);
  return { data, width: W, height: H };
};
const mask = box(20, 20, 180, 140);

/** Pixels whose value changed, as [x, y]. */
function changed(before: RgbPixels, after: RgbPixels): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < W * H; p++)
    if ([0, 1, 2].some((c) => before.data[p * 3 + c] !== after.data[p * 3 + c])) out.push([p % W, Math.floor(p / W)]);
  return out;
}
const at = (image: RgbPixels, x: number, y: number) => [...image.data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
const insideMask = ([x, y]: [number, number]) => mask.data[y * W + x] === 1;

describe('skin stimuli for the dose-response bench', () => {
  it('places marks inside the mask with their margin, apart, and the same first ones for a larger count', () => {
    const five = placeInMask(mask, 5, discReach(6), 12, 7);
    const nine = placeInMask(mask, 9, discReach(6), 12, 7);
    expect(nine.slice(0, 5)).toEqual(five);
    for (const [x, y] of nine) {
      expect(x).toBeGreaterThanOrEqual(20 + 5);
      expect(x).toBeLessThanOrEqual(180 - 5);
      expect(y).toBeGreaterThanOrEqual(20 + 5);
    }
    for (const [i, [x, y]] of nine.entries())
      for (const [ox, oy] of nine.slice(i + 1)) expect(Math.hypot(x - ox, y - oy)).toBeGreaterThanOrEqual(12);
    expect(() => placeInMask(box(0, 0, 4, 4), 3, discReach(6), 12, 1)).toThrow(RangeError);
  });

  it("spots darken only inside the mask, brown (blue loses most), and a larger dose keeps the smaller one's spots", () => {
    const plain = skin();
    const three = drawSpots(plain, mask, { count: 3, diameterPx: 10, contrast: 0.4 });
    const six = drawSpots(plain, mask, { count: 6, diameterPx: 10, contrast: 0.4 });
    expect(changed(plain, three).every(insideMask)).toBe(true);
    expect(changed(three, six).length).toBeGreaterThan(0);
    // Every pixel the three spots changed is the same in the six-spot image.
    for (const [x, y] of changed(plain, three)) expect(at(six, x, y)).toEqual(at(three, x, y));
    const [cx, cy] = placeInMask(mask, 1, discReach(5), 15, 1)[0]!.map(Math.round) as [number, number];
    // At a spot's core: red keeps the most of its light, blue the least (linear light, as drawn).
    const [r, g, b] = at(three, cx, cy).map((v, c) => linear(v) / linear([196, 150, 128][c]!));
    expect(r).toBeLessThan(0.8);
    expect(g).toBeLessThan(r!);
    expect(b).toBeLessThan(g!);
  });

  it('diffuse redness lowers green and blue across the mask and leaves red and the outside alone; papules are local', () => {
    const plain = skin();
    const red = drawDiffuseRedness(plain, mask, 0.2);
    const [r, g, b] = at(red, 100, 80);
    expect(r).toBeGreaterThanOrEqual(194);
    expect(g).toBeLessThan(140);
    expect(b).toBeLessThan(128);
    expect(at(red, 5, 5)).toEqual([196, 150, 128]);
    const papules = drawPapules(plain, mask, { count: 4, diameterPx: 6, contrast: 0.5 });
    const touched = changed(plain, papules);
    expect(touched.length).toBeGreaterThan(4 * 9);
    expect(touched.length).toBeLessThan(4 * 40);
  });

  it('dark circles darken the whole mask, blue most and red least', () => {
    const plain = skin();
    const [r, g, b] = at(drawDarkCircles(plain, mask, 0.3), 100, 80).map((v, c) => linear(v) / linear([196, 150, 128][c]!));
    expect(r).toBeLessThan(0.85);
    expect(g).toBeLessThan(r!);
    expect(b).toBeLessThan(g!);
  });

  it('a line darkens a stroke of its length and direction', () => {
    const plain = skin();
    const lined = drawLines(plain, mask, { count: 1, lengthPx: 60, depth: 0.5, widthPx: 2, angleDeg: 0 });
    const touched = changed(plain, lined);
    const xs = touched.map(([x]) => x);
    const ys = touched.map(([, y]) => y);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThanOrEqual(58);
    expect(Math.max(...ys) - Math.min(...ys)).toBeLessThanOrEqual(4);
  });

  it('pores come at the asked density of the mask, and shine brightens towards white', () => {
    const plain = skin();
    const pores = drawPores(plain, mask, { density: 2, diameterPx: 2, depth: 0.4 });
    // 160 × 120 = 19,200 pixels of mask at 2 per 1,000: 38 pores of about 3 pixels each.
    const touched = changed(plain, pores).length;
    expect(touched).toBeGreaterThan(38);
    expect(touched).toBeLessThan(38 * 10);
    const shiny = drawShine(plain, mask, { strength: 0.5, blobs: 1, diameterPx: 30 });
    const brightest = changed(plain, shiny).map(([x, y]) => at(shiny, x, y)[1]!);
    expect(Math.max(...brightest)).toBeGreaterThan(180);
  });
});
