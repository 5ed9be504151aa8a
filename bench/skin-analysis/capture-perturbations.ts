import sharp, { type Sharp } from 'sharp';
import { toSrgb, TO_LINEAR } from './linear-light.ts';

// What changes between two photos of the same skin taken minutes apart: the distance to the camera, the
// exposure, the colour of the light, the JPEG encoder's quality and a slight tilt of the head. Each
// perturbation here changes one of them by a known amount and nothing else, so a score that moves under
// it moves by measurement error, not by a change of skin. Exposure and white balance act on linear light,
// as a camera's sensor sees it, not on the sRGB values.

/** 8-bit sRGB pixels, three channels, row by row. */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Each pixel's linear light times a gain per channel, clipped at white as a sensor clips. */
function scaleLinear(image: RgbPixels, gains: readonly [number, number, number]): RgbPixels {
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = toSrgb(TO_LINEAR[image.data[i]!]! * gains[i % 3]!);
  return { data: out, width: image.width, height: image.height };
}

/** The same scene `ev` stops brighter (positive) or darker. */
export function exposure(image: RgbPixels, ev: number): RgbPixels {
  const gain = 2 ** ev;
  return scaleLinear(image, [gain, gain, gain]);
}

/**
 * Linear sRGB of a black body at `kelvin` (1,667–25,000 K), luminance 1: its chromaticity on the
 * Planckian locus by Kim et al.'s cubic fit, then CIE XYZ to linear sRGB.
 */
export function blackBodyRgb(kelvin: number): [number, number, number] {
  if (!(kelvin >= 1667 && kelvin <= 25000)) throw new RangeError(`colour temperature ${kelvin} K is outside 1,667–25,000 K`);
  const t = kelvin;
  const x =
    t <= 4000
      ? -0.2661239e9 / t ** 3 - 0.2343589e6 / t ** 2 + 0.8776956e3 / t + 0.17991
      : -3.0258469e9 / t ** 3 + 2.1070379e6 / t ** 2 + 0.2226347e3 / t + 0.24039;
  const y =
    t <= 2222
      ? -1.1063814 * x ** 3 - 1.3481102 * x ** 2 + 2.18555832 * x - 0.20219683
      : t <= 4000
        ? -0.9549476 * x ** 3 - 1.37418593 * x ** 2 + 2.09137015 * x - 0.16748867
        : 3.081758 * x ** 3 - 5.8733867 * x ** 2 + 3.75112997 * x - 0.37001483;
  const [X, Y, Z] = [x / y, 1, (1 - x - y) / y];
  return [3.2406 * X - 1.5372 * Y - 0.4986 * Z, -0.9689 * X + 1.8758 * Y + 0.0415 * Z, 0.0557 * X - 0.204 * Y + 1.057 * Z];
}

/** The camera's white balance, set for 6,500 K light. */
const NEUTRAL_KELVIN = 6500;

/**
 * The scene lit by a black body at `kelvin` while the camera keeps its white balance for 6,500 K: each
 * channel scaled by the light's colour relative to 6,500 K, overall brightness unchanged (the gains'
 * luminance is 1). 3,000 K is a warm indoor lamp, 6,500 K overcast daylight.
 */
export function whiteBalance(image: RgbPixels, kelvin: number): RgbPixels {
  const light = blackBodyRgb(kelvin);
  const neutral = blackBodyRgb(NEUTRAL_KELVIN);
  const ratio = light.map((c, i) => c / neutral[i]!) as [number, number, number];
  const luminance = 0.2126 * ratio[0] + 0.7152 * ratio[1] + 0.0722 * ratio[2];
  return scaleLinear(image, ratio.map((r) => r / luminance) as [number, number, number]);
}

const raw = (image: RgbPixels) => sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });

async function pixelsOf(pipeline: Sharp): Promise<RgbPixels> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** The photo taken from nearer (factor > 1) or farther: every side times `factor`, Lanczos resampling. */
export function rescale(image: RgbPixels, factor: number): Promise<RgbPixels> {
  const width = Math.round(image.width * factor);
  const height = Math.round(image.height * factor);
  return pixelsOf(raw(image).resize(width, height, { kernel: 'lanczos3', fit: 'fill' }));
}

/** The head tilted `degrees` (clockwise positive) in the frame, cropped back to the original size around the centre. */
export async function tilt(image: RgbPixels, degrees: number): Promise<RgbPixels> {
  const rotated = await pixelsOf(raw(image).rotate(degrees, { background: { r: 128, g: 128, b: 128 } }));
  const left = Math.floor((rotated.width - image.width) / 2);
  const top = Math.floor((rotated.height - image.height) / 2);
  return pixelsOf(raw(rotated).extract({ left, top, width: image.width, height: image.height }));
}

/** The photo saved as a JPEG of `quality` (1–100) and read back. */
export async function jpegRoundTrip(image: RgbPixels, quality: number): Promise<RgbPixels> {
  return pixelsOf(sharp(await raw(image).jpeg({ quality }).toBuffer()));
}

/** The JPEG a phone would upload for these pixels. */
export function encodeJpeg(image: RgbPixels, quality = 92): Promise<Buffer> {
  return raw(image).jpeg({ quality }).toBuffer();
}
