/*
 * Pixel operations on single-channel float planes, written for speed on one core: typed arrays,
 * separable running sums, no allocation per pixel.
 */

/**
 * Mean over a (2r+1)² box, clamped at the borders (each output averages only the pixels that exist).
 * Both passes walk memory in order: the vertical one keeps a running sum per column.
 */
export function boxBlur(
  src: Float32Array,
  width: number,
  height: number,
  radius: number,
  out = new Float32Array(src.length),
): Float32Array {
  const rows = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(radius, width - 1) + 1; x++) sum += src[row + x]!;
    for (let x = 0; x < width; x++) {
      const first = Math.max(0, x - radius);
      const last = Math.min(width - 1, x + radius);
      rows[row + x] = sum / (last - first + 1);
      if (x + radius + 1 < width) sum += src[row + x + radius + 1]!;
      if (x - radius >= 0) sum -= src[row + x - radius]!;
    }
  }
  const columns = new Float64Array(width);
  for (let y = 0; y < Math.min(radius, height - 1) + 1; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) columns[x]! += rows[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const count = Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1;
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = columns[x]! / count;
    if (y + radius + 1 < height) {
      const add = (y + radius + 1) * width;
      for (let x = 0; x < width; x++) columns[x]! += rows[add + x]!;
    }
    if (y - radius >= 0) {
      const drop = (y - radius) * width;
      for (let x = 0; x < width; x++) columns[x]! -= rows[drop + x]!;
    }
  }
  return out;
}

/**
 * Oriented gradient energy of the structure tensor (outer products of Sobel gradients, box-averaged over
 * (2r+1)²): λ1 − λ2, weighted by the coherence (λ1 − λ2)/(λ1 + λ2). A line or an edge, whatever its
 * direction, keeps nearly its whole gradient energy; a dot or noise, whose gradients point every way
 * within the box, gives little (partly covered dots still lean one way, hence the coherence weight:
 * painted dots scored a quarter of painted lines with λ1 − λ2 alone, a tenth with it). Units are those
 * of a squared gradient; border pixels have none.
 */
export function orientedEnergy(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  const xx = new Float32Array(src.length);
  const xy = new Float32Array(src.length);
  const yy = new Float32Array(src.length);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const nw = src[i - width - 1]!;
      const ne = src[i - width + 1]!;
      const sw = src[i + width - 1]!;
      const se = src[i + width + 1]!;
      const gx = (ne + 2 * src[i + 1]! + se - nw - 2 * src[i - 1]! - sw) / 8;
      const gy = (sw + 2 * src[i + width]! + se - nw - 2 * src[i - width]! - ne) / 8;
      xx[i] = gx * gx;
      xy[i] = gx * gy;
      yy[i] = gy * gy;
    }
  }
  const out = boxBlur(xx, width, height, radius);
  boxBlur(xy, width, height, radius, xy);
  boxBlur(yy, width, height, radius, yy);
  for (let i = 0; i < out.length; i++) {
    const sum = out[i]! + yy[i]!;
    const spread = out[i]! - yy[i]!;
    const gapSquared = spread * spread + 4 * xy[i]! * xy[i]!;
    out[i] = sum > 0 ? gapSquared / sum : 0;
  }
  return out;
}

/** Summed-area table of `src` (times `mask` when given): (width+1)×(height+1), zero first row and column. */
function summedArea(src: Float32Array | Uint8Array, mask: Uint8Array | null, width: number, height: number): Float64Array {
  const stride = width + 1;
  const table = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    const from = y * width;
    const above = y * stride;
    const at = (y + 1) * stride;
    for (let x = 0; x < width; x++) {
      if (!mask || mask[from + x]) row += src[from + x]!;
      table[at + x + 1] = table[above + x + 1]! + row;
    }
  }
  return table;
}

/**
 * Box means over the pixels inside `mask` only, so hair, brows and background do not bleed into the
 * skin's local average; pixels with no masked neighbour keep their own value. One summed-area table
 * per plane serves every radius.
 */
export class MaskedBlur {
  private readonly maskTable: Float64Array;
  private readonly coverages = new Map<number, Float32Array>();

  constructor(
    private readonly mask: Uint8Array,
    private readonly width: number,
    private readonly height: number,
  ) {
    this.maskTable = summedArea(mask, null, width, height);
  }

  /** Share of each pixel's (2r+1)² box (clamped at the borders) that is inside the mask. */
  coverage(radius: number): Float32Array {
    let coverage = this.coverages.get(radius);
    if (!coverage) {
      coverage = new Float32Array(this.width * this.height);
      this.walk(radius, (i, inside, area) => {
        coverage![i] = inside / area;
      });
      this.coverages.set(radius, coverage);
    }
    return coverage;
  }

  /** The masked box mean of `src` at each radius. */
  means(src: Float32Array, radii: readonly number[]): Float32Array[] {
    const table = summedArea(src, this.mask, this.width, this.height);
    const stride = this.width + 1;
    const maskTable = this.maskTable;
    return radii.map((radius) => {
      const out = new Float32Array(src.length);
      for (let y = 0; y < this.height; y++) {
        const top = Math.max(0, y - radius) * stride;
        const bottom = (Math.min(this.height - 1, y + radius) + 1) * stride;
        for (let x = 0; x < this.width; x++) {
          const left = Math.max(0, x - radius);
          const right = Math.min(this.width - 1, x + radius) + 1;
          const inside =
            maskTable[bottom + right]! - maskTable[top + right]! - maskTable[bottom + left]! + maskTable[top + left]!;
          const i = y * this.width + x;
          out[i] =
            inside > 0.5
              ? (table[bottom + right]! - table[top + right]! - table[bottom + left]! + table[top + left]!) / inside
              : src[i]!;
        }
      }
      return out;
    });
  }

  private walk(radius: number, visit: (i: number, inside: number, area: number) => void): void {
    const stride = this.width + 1;
    for (let y = 0; y < this.height; y++) {
      const y0 = Math.max(0, y - radius);
      const y1 = Math.min(this.height - 1, y + radius) + 1;
      for (let x = 0; x < this.width; x++) {
        const x0 = Math.max(0, x - radius);
        const x1 = Math.min(this.width - 1, x + radius) + 1;
        const t = this.maskTable;
        visit(
          y * this.width + x,
          t[y1 * stride + x1]! - t[y0 * stride + x1]! - t[y1 * stride + x0]! + t[y0 * stride + x0]!,
          (x1 - x0) * (y1 - y0),
        );
      }
    }
  }
}

// Quantiles are read from a histogram (one pass, no sort): CIELAB values span about ±150 and a
// 0.02-unit bin is far finer than any threshold used on them.
const HISTOGRAM_MIN = -160;
const HISTOGRAM_BIN = 0.02;
const HISTOGRAM_BINS = 16_000;
const histogram = new Int32Array(HISTOGRAM_BINS);

/** The q-quantile (0–1) of the values at pixels where `select` is non-zero; NaN when none are. */
export function quantile(values: Float32Array, select: Uint8Array | null, q: number): number {
  histogram.fill(0);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (select && !select[i]) continue;
    const bin = Math.floor((values[i]! - HISTOGRAM_MIN) / HISTOGRAM_BIN);
    histogram[bin < 0 ? 0 : bin >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : bin]!++;
    count++;
  }
  if (count === 0) return Number.NaN;
  const rank = q * (count - 1);
  let seen = 0;
  for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
    const inBin = histogram[bin]!;
    if (seen + inBin > rank) return HISTOGRAM_MIN + (bin + (rank - seen + 0.5) / inBin) * HISTOGRAM_BIN;
    seen += inBin;
  }
  return HISTOGRAM_MIN + HISTOGRAM_BINS * HISTOGRAM_BIN;
}

export interface Components {
  /** Component id per pixel (0 = background), ids 1..count. */
  labels: Int32Array;
  count: number;
  /** Pixel count per id (index 0 unused). */
  areas: Int32Array;
}

/** 8-connected components of the non-zero pixels (two passes with union-find). */
export function connectedComponents(binary: Uint8Array, width: number, height: number): Components {
  const labels = new Int32Array(binary.length);
  const parent: number[] = [0];
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const union = (p: number, q: number): number => {
    const rp = find(p);
    const rq = find(q);
    if (rp === rq) return rp;
    if (rp < rq) {
      parent[rq] = rp;
      return rp;
    }
    parent[rp] = rq;
    return rq;
  };
  const join = (label: number, neighbour: number): number =>
    neighbour === 0 ? label : label === 0 ? neighbour : union(label, neighbour);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!binary[i]) continue;
      let label = 0;
      if (x > 0) label = join(label, labels[i - 1]!);
      if (y > 0) {
        if (x > 0) label = join(label, labels[i - width - 1]!);
        label = join(label, labels[i - width]!);
        if (x + 1 < width) label = join(label, labels[i - width + 1]!);
      }
      if (!label) {
        label = parent.length;
        parent.push(label);
      }
      labels[i] = label;
    }
  }
  const compact = new Int32Array(parent.length);
  let count = 0;
  for (let id = 1; id < parent.length; id++) {
    const root = find(id);
    if (root === id) compact[id] = ++count;
  }
  const areas = new Int32Array(count + 1);
  for (let i = 0; i < labels.length; i++) {
    if (!labels[i]) continue;
    const id = compact[find(labels[i]!)]!;
    labels[i] = id;
    areas[id]!++;
  }
  return { labels, count, areas };
}
