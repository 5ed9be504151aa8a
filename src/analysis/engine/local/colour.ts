/** CIELAB (D65) planes of an image, one Float32Array per channel. */
export interface LabPlanes {
  width: number;
  height: number;
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

const SRGB_TO_LINEAR = new Float32Array(256);
for (let v = 0; v < 256; v++) {
  const c = v / 255;
  SRGB_TO_LINEAR[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

// D65 reference white.
const XN = 0.95047;
const ZN = 1.08883;
const EPSILON = 216 / 24389;
const KAPPA = 24389 / 27;

// Cube roots from a table with linear interpolation: Math.cbrt three times per pixel was the largest
// cost of the conversion. Inputs lie in [0, 1.1); the interpolation error is below 0.001 L*.
const CBRT_STEPS = 8192;
const CBRT_RANGE = 1.1;
const CBRT_TABLE = new Float32Array(CBRT_STEPS + 2);
for (let k = 0; k < CBRT_TABLE.length; k++) CBRT_TABLE[k] = Math.cbrt((k / CBRT_STEPS) * CBRT_RANGE);

function labF(t: number): number {
  if (t <= EPSILON) return (KAPPA * t + 16) / 116;
  const position = (t / CBRT_RANGE) * CBRT_STEPS;
  const k = Math.floor(position);
  if (k >= CBRT_STEPS) return Math.cbrt(t);
  const low = CBRT_TABLE[k]!;
  return low + (CBRT_TABLE[k + 1]! - low) * (position - k);
}

/** Converts interleaved 8-bit sRGB to CIELAB planes (L* 0–100, a*, b* about −128–127). */
export function rgbToLab(rgb: Uint8Array, width: number, height: number): LabPlanes {
  const n = width * height;
  const L = new Float32Array(n);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const r = SRGB_TO_LINEAR[rgb[o]!]!;
    const g = SRGB_TO_LINEAR[rgb[o + 1]!]!;
    const bl = SRGB_TO_LINEAR[rgb[o + 2]!]!;
    const fx = labF((0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / XN);
    const fy = labF(0.2126729 * r + 0.7151522 * g + 0.072175 * bl);
    const fz = labF((0.0193339 * r + 0.119192 * g + 0.9503041 * bl) / ZN);
    L[i] = 116 * fy - 16;
    a[i] = 500 * (fx - fy);
    b[i] = 200 * (fy - fz);
  }
  return { width, height, L, a, b };
}

/**
 * Individual typology angle, ITA° = atan((L* − 50) / b*): the usual dermatological skin-tone scale
 * (> 55 very light, 41–55 light, 28–41 intermediate, 10–28 tan, −30–10 brown, < −30 dark).
 */
export function individualTypologyAngle(L: number, b: number): number {
  return (Math.atan2(L - 50, b) * 180) / Math.PI;
}

export const ITA_BANDS = [
  { band: 'very-light', min: 55 },
  { band: 'light', min: 41 },
  { band: 'intermediate', min: 28 },
  { band: 'tan', min: 10 },
  { band: 'brown', min: -30 },
  { band: 'dark', min: -Infinity },
] as const;
export type ItaBand = (typeof ITA_BANDS)[number]['band'];

export function itaBand(ita: number): ItaBand {
  return ITA_BANDS.find((entry) => ita > entry.min)!.band;
}

/** The skin tone a result is stored and shown with: ITA° to a tenth of a degree, and its band. */
export interface SkinTone {
  ita: number;
  band: ItaBand;
}

export function skinToneOf(ita: number | null): SkinTone | null {
  if (ita === null) return null;
  const rounded = Math.round(ita * 10) / 10;
  return { ita: rounded, band: itaBand(rounded) };
}

/** Hue angle h_ab in degrees (0 = red, 90 = yellow). */
export function hueAngle(a: number, b: number): number {
  return (Math.atan2(b, a) * 180) / Math.PI;
}
