import { describe, expect, it } from 'vitest';
import {
  blackBodyRgb,
  exposure,
  jpegRoundTrip,
  rescale,
  tilt,
  whiteBalance,
  type RgbPixels,
} from '../../bench/skin-analysis/capture-perturbations.ts';
import { linearLight } from '../support/srgb.ts';

const linear = linearLight;

/** A skin-coloured gradient with a little texture: no channel near 0 or 255, so nothing clips. */
function skinPatch(width = 64, height = 48): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const shade = 20 * Math.sin(x / 5) + y;
      data[i] = Math.round(170 + shade / 2);
      data[i + 1] = Math.round(125 + shade / 2);
      data[i + 2] = Math.round(105 + shade / 2);
    }
  return { data, width, height };
}

/** Mean linear light per channel. */
function meanLinear(image: RgbPixels): [number, number, number] {
  const sums = [0, 0, 0];
  for (let i = 0; i < image.data.length; i++) sums[i % 3]! += linear(image.data[i]!);
  const n = image.width * image.height;
  return [sums[0]! / n, sums[1]! / n, sums[2]! / n];
}
const luminance = ([r, g, b]: [number, number, number]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

describe('capture perturbations', () => {
  it('a third of a stop more light multiplies the linear light by 2^0.3, less by 2^-0.3', () => {
    const patch = skinPatch();
    const before = luminance(meanLinear(patch));
    expect(luminance(meanLinear(exposure(patch, 0.3))) / before).toBeCloseTo(2 ** 0.3, 2);
    expect(luminance(meanLinear(exposure(patch, -0.3))) / before).toBeCloseTo(2 ** -0.3, 2);
  });

  it('the black-body colour is neutral near 6,500 K and red-heavy at 3,000 K', () => {
    const [r65, g65, b65] = blackBodyRgb(6500);
    expect(Math.abs(r65 / g65 - 1)).toBeLessThan(0.1);
    expect(Math.abs(b65 / g65 - 1)).toBeLessThan(0.15);
    const [r30, , b30] = blackBodyRgb(3000);
    expect(r30 / b30).toBeGreaterThan(3);
    expect(() => blackBodyRgb(1000)).toThrow(RangeError);
  });

  it("warm light raises red against blue, the camera's own 6,500 K changes nothing, and a grey card keeps its brightness", () => {
    const patch = skinPatch();
    const before = meanLinear(patch);
    const warm = meanLinear(whiteBalance(patch, 3000));
    const same = meanLinear(whiteBalance(patch, 6500));
    expect(warm[0] / warm[2]).toBeGreaterThan((before[0] / before[2]) * 2);
    expect(same[0] / same[2]).toBeCloseTo(before[0] / before[2], 2);
    const grey: RgbPixels = { data: new Uint8Array(16 * 16 * 3).fill(128), width: 16, height: 16 };
    expect(luminance(meanLinear(whiteBalance(grey, 3000))) / luminance(meanLinear(grey))).toBeCloseTo(1, 2);
  });

  it('a nearer or farther camera scales both sides; a tilt and a JPEG keep the size and stay close to the original', async () => {
    const patch = skinPatch();
    expect(await rescale(patch, 2.5)).toMatchObject({ width: 160, height: 120 });
    expect(await rescale(patch, 0.5)).toMatchObject({ width: 32, height: 24 });
    const tilted = await tilt(patch, 2);
    expect(tilted).toMatchObject({ width: 64, height: 48 });
    const encoded = await jpegRoundTrip(patch, 70);
    expect(encoded).toMatchObject({ width: 64, height: 48 });
    for (const changed of [tilted, encoded]) {
      const before = meanLinear(patch);
      const after = meanLinear(changed);
      for (const c of [0, 1, 2]) expect(Math.abs(after[c]! / before[c]! - 1)).toBeLessThan(0.05);
    }
  });
});
