// sRGB's transfer function, both ways: light adds and multiplies in linear values, not in the encoded ones.

/** The linear light (0–1) of each 8-bit sRGB value. */
export const TO_LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/** The 8-bit sRGB value of linear light, clipped at black and white as a sensor clips. */
export function toSrgb(linear: number): number {
  const c = linear <= 0 ? 0 : linear >= 1 ? 1 : linear;
  return Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055));
}
