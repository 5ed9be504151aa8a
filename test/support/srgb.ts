/**
 * The linear light of an 8-bit sRGB value, from the sRGB definition: written out here rather than imported
 * from the code under test, so tests of light-based image changes check them against the standard.
 */
export function linearLight(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
