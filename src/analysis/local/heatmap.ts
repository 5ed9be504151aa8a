import sharp from 'sharp';
import type { Concern } from '../skin-analyzer.ts';
import type { FaceCrop } from './regions.ts';

/**
 * Value of each concern's per-pixel measure drawn at full colour (same units as the measure). Chosen
 * so a clearly visible finding (a red blemish, a brown spot, a dark under-eye) reaches the red end.
 */
export const HEATMAP_FULL_SCALE: Record<Concern, number> = {
  redness: 12,
  pigmentation: 6,
  dark_circles: 25,
  texture: 3,
  pores: 6,
  oiliness: 1,
  evenness: 6,
  acne: 10,
};
// Below this share of full scale a skin pixel is drawn as "measured, nothing found".
const FLOOR = 0.08;
const MEASURED = [40, 200, 140, 36] as const;

/**
 * One PNG per concern, the size of the working image and aligned with it: the measure as a yellow→red
 * overlay over the analysed skin, a faint green where the skin was measured and nothing was found,
 * transparent everywhere else.
 */
export async function renderHeatmap(map: Float32Array, skin: Uint8Array, crop: FaceCrop, imageWidth: number, imageHeight: number, fullScale: number): Promise<Buffer> {
  const rgba = new Uint8Array(crop.width * crop.height * 4);
  for (let i = 0; i < skin.length; i++) {
    if (!skin[i]) continue;
    const o = i * 4;
    const v = Math.min(1, map[i]! / fullScale);
    if (v < FLOOR) {
      rgba[o] = MEASURED[0];
      rgba[o + 1] = MEASURED[1];
      rgba[o + 2] = MEASURED[2];
      rgba[o + 3] = MEASURED[3];
      continue;
    }
    rgba[o] = 255;
    rgba[o + 1] = Math.round(220 * (1 - v));
    rgba[o + 2] = 0;
    rgba[o + 3] = Math.round(90 + 140 * v);
  }
  const right = imageWidth - crop.left - crop.sourceWidth;
  const bottom = imageHeight - crop.top - crop.sourceHeight;
  return sharp(rgba, { raw: { width: crop.width, height: crop.height, channels: 4 } })
    .resize(crop.sourceWidth, crop.sourceHeight, { fit: 'fill', kernel: 'linear' })
    .extend({ top: crop.top, left: crop.left, right, bottom, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    // Mostly transparent: level 3 without adaptive filtering is within ~10% of the fastest setting
    // at half its size (20–140 KB a map at 1080 px).
    .png({ compressionLevel: 3, adaptiveFiltering: false })
    .toBuffer();
}
