/*
 * Pixel operations on single-channel float planes, written for speed on one core: typed arrays,
 * separable running sums, no allocation per pixel.
 */

/**
 * Mean over a (2r+1)² box, clamped at the borders (each output averages only the pixels that exist).
 * Both passes walk memory in order: the vertical one keeps a running sum per column.
 */
export function boxBlur(src: Float32Array, width: number, height: number, radius: number, out = new Float32Array(src.length)): Float32Array {
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
 * Box mean over the pixels inside `mask` only, so hair, brows and background do not bleed into the
 * skin's local average. Pixels with no masked neighbour get their own value.
 */
export class MaskedBlur {
  private readonly weights = new Map<number, Float32Array>();
  private readonly maskPlane: Float32Array;
  private readonly masked: Float32Array;

  constructor(
    private readonly mask: Uint8Array,
    private readonly width: number,
    private readonly height: number,
  ) {
    this.maskPlane = Float32Array.from(mask);
    this.masked = new Float32Array(mask.length);
  }

  /** Share of each pixel's (2r+1)² box that is inside the mask (low near the mask's edges). */
  coverage(radius: number): Float32Array {
    let weight = this.weights.get(radius);
    if (!weight) {
      weight = boxBlur(this.maskPlane, this.width, this.height, radius);
      this.weights.set(radius, weight);
    }
    return weight;
  }

  blur(src: Float32Array, radius: number): Float32Array {
    const weight = this.coverage(radius);
    const { mask, masked } = this;
    for (let i = 0; i < src.length; i++) masked[i] = mask[i] ? src[i]! : 0;
    const out = boxBlur(masked, this.width, this.height, radius);
    for (let i = 0; i < out.length; i++) {
      const w = weight[i]!;
      out[i] = w > 1e-6 ? out[i]! / w : src[i]!;
    }
    return out;
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
  const join = (label: number, neighbour: number): number => (neighbour === 0 ? label : label === 0 ? neighbour : union(label, neighbour));
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
