import { deflateSync } from 'node:zlib';
import type { Concern } from '../../skin-analyzer.ts';
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
  wrinkles: 2,
  pores: 6,
  oiliness: 1,
  evenness: 8,
  acne: 10,
};

/*
 * The overlay is a palette PNG: index 0 transparent (outside the analysed skin), 1 a faint green
 * ("measured, nothing found"), 2–255 a yellow→red ramp whose opacity grows with the measure. One byte
 * a pixel instead of four makes the nine full-size maps cheap to write; they are encoded here
 * directly (a few chunks and zlib) rather than through an RGBA pipeline.
 */
const RAMP_FIRST = 2;
const RAMP_STEPS = 254;
// Below this share of full scale a skin pixel is drawn as "measured, nothing found".
const FLOOR = 0.08;

const PALETTE = new Uint8Array(256 * 3);
const ALPHA = new Uint8Array(256);
PALETTE.set([40, 200, 140], 3);
ALPHA[1] = 36;
for (let k = 0; k < RAMP_STEPS; k++) {
  const v = FLOOR + ((1 - FLOOR) * k) / (RAMP_STEPS - 1);
  const index = RAMP_FIRST + k;
  PALETTE.set([255, Math.round(220 * (1 - v)), 0], index * 3);
  ALPHA[index] = Math.round(90 + 140 * v);
}

const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit palette PNG; `rows` holds each row prefixed with its filter byte (0). */
function encodePalettePng(width: number, height: number, rows: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', PALETTE),
    chunk('tRNS', ALPHA),
    chunk('IDAT', deflateSync(rows, { level: 3 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * One PNG per concern, the size of the working image and aligned with it: the measure as a
 * yellow→red overlay over the analysed skin, faint green where the skin was measured and nothing was
 * found, transparent everywhere else. The crop's map is enlarged back to photo pixels bilinearly.
 */
export function renderHeatmap(
  map: Float32Array,
  skin: Uint8Array,
  crop: FaceCrop,
  imageWidth: number,
  imageHeight: number,
  fullScale: number,
): Buffer {
  const rowBytes = imageWidth + 1;
  const rows = new Uint8Array(rowBytes * imageHeight);
  const sx = crop.width / crop.sourceWidth;
  const sy = crop.height / crop.sourceHeight;
  const columns = new Float32Array(crop.sourceWidth);
  for (let x = 0; x < crop.sourceWidth; x++) columns[x] = Math.min(crop.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
  for (let y = 0; y < crop.sourceHeight; y++) {
    const imageY = crop.top + y;
    if (imageY >= imageHeight) break;
    const fy = Math.min(crop.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(crop.height - 1, y0 + 1);
    const wy = fy - y0;
    const out = imageY * rowBytes + 1 + crop.left;
    for (let x = 0; x < crop.sourceWidth && crop.left + x < imageWidth; x++) {
      const fx = columns[x]!;
      const x0 = Math.floor(fx);
      const x1 = Math.min(crop.width - 1, x0 + 1);
      // The mask is taken from the nearest crop pixel, so the overlay keeps crisp edges at the features.
      const nearest = (wy < 0.5 ? y0 : y1) * crop.width + (fx - x0 < 0.5 ? x0 : x1);
      if (!skin[nearest]) continue;
      const wx = fx - x0;
      const top = map[y0 * crop.width + x0]! * (1 - wx) + map[y0 * crop.width + x1]! * wx;
      const bottom = map[y1 * crop.width + x0]! * (1 - wx) + map[y1 * crop.width + x1]! * wx;
      const v = Math.min(1, (top * (1 - wy) + bottom * wy) / fullScale);
      rows[out + x] = v < FLOOR ? 1 : RAMP_FIRST + Math.round(((v - FLOOR) / (1 - FLOOR)) * (RAMP_STEPS - 1));
    }
  }
  return encodePalettePng(imageWidth, imageHeight, rows);
}
