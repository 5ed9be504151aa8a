import { CONCERNS, REGIONS, WRINKLE_REGIONS, type Concern, type Region } from '../../skin-analyzer.ts';
import { individualTypologyAngle, rgbToLab } from './colour.ts';
import { connectedComponents, MaskedBlur, orientedEnergy, quantile } from './measures.ts';
import { faceMask, REGION_ORDER, regionLabels, type FaceCrop } from './regions.ts';

/*
 * Raw per-pixel and per-region measures of the skin, in CIELAB units, at a fixed face width
 * (ANALYSIS_FACE_WIDTH px ≈ 0.4 mm per pixel). Nothing here assumes a skin tone: every baseline is
 * the person's own skin — the median of their cheeks, their own hue, or the local average of the
 * skin around each pixel — so a measure reads "how much this spot differs from this person's skin".
 * L* differences are expressed as if the cheeks were L* 60: a deeper complexion or a dimmer exposure
 * shrinks every L* difference in proportion (L* ∝ Y^⅓), and the scaling takes that back out.
 */

/** Face-oval width the analysis works at: one pixel ≈ 0.4 mm of an adult face. */
export const ANALYSIS_FACE_WIDTH = 360;

// Box radii in pixels at that width: ~1 mm (fine detail), ~4 mm (local skin around a spot), ~6 mm (shading).
const FINE_RADIUS = 2;
const LOCAL_RADIUS = 10;
const SHADING_RADIUS = 15;

/** The cheek lightness L* differences are expressed at (within 0.6–2× of the measured one). */
const CONTRAST_REFERENCE_L = 60;
/** Fewer skin pixels than this (≈1.6 cm² at the analysis scale) cannot be measured. */
const MIN_SKIN_PIXELS = 1000;
/** Non-skin: darker than the cheeks and much greyer (hair, brows, lashes, deep shadow), or far darker. */
const NON_SKIN_DARKER = 6;
const NON_SKIN_CHROMA_SHARE = 0.45;
const NON_SKIN_FAR_DARKER = 30;

/**
 * Redness is measured along the skin's own hue line: the ratio of a* to b* at this percentile of the face is
 * taken as the person's least-red skin hue, and a pixel's redness is the a* above what that hue
 * predicts for the pixel's b*. Shading and warm or cool light scale a* and b* together and barely
 * register; blood (erythema, blemishes) raises a* alone.
 */
const REDNESS_BASE_QUANTILE = 0.25;
const REDNESS_MIN_B = 2;
/** Pigmented spot: darker than the surrounding skin by more than this (L*), and not red. */
const SPOT_CONTRAST = 3;
const SPOT_MAX_RED_EXCESS = 2;
/** Pore: a dot darker than its 1 mm neighbourhood by this (L*), 2–10 px (≈0.3–1.6 mm²). */
const PORE_CONTRAST = 2.5;
const PORE_MIN_AREA = 2;
const PORE_MAX_AREA = 10;
/**
 * Fine lines: the square root of the oriented energy (see orientedEnergy) of the skin's dark fine
 * detail — how much darker than its ~1 mm surroundings each pixel is — over a ~3 mm box, in L* per
 * pixel. A crease is a thin dark line, so its gradients share one direction; pores, spots and skin
 * grain are dots whose gradients cancel out, and highlights are not dark detail at all.
 */
const WRINKLE_RADIUS = 3;
/** Blemish: redder than the surrounding skin by this (a*), 6–400 px (≈1–64 mm²). */
const BLEMISH_RED_EXCESS = 4;
const BLEMISH_MIN_AREA = 6;
const BLEMISH_MAX_AREA = 400;
/** Dark circles: % darker than the cheek, plus this share of the % of yellowness lost (bluish, purple circles). */
const DARK_CIRCLE_YELLOW_SHARE = 0.25;
const DARK_CIRCLE_MIN_CHROMA = 8;
/**
 * Near the edge of the skin mask (eyelids, nostrils, lips, the face outline) relief shading makes
 * every mid-scale measure spike: measures fade out where less than INTERIOR_FULL of the ~6 mm box
 * around a pixel is skin, and vanish below INTERIOR_NONE.
 */
const INTERIOR_NONE = 0.6;
const INTERIOR_FULL = 0.85;
const interiorOf = (near: number) => Math.min(1, Math.max(0, (near - INTERIOR_NONE) / (INTERIOR_FULL - INTERIOR_NONE)));
/** Shine: brighter than the skin's shading by this (L*) and less saturated than the skin (share of C*). */
const SHINE_EXCESS = 6;
const SHINE_FULL = 10;
const SHINE_MAX_CHROMA_SHARE = 0.8;

export interface SkinReference {
  /** Medians over both cheeks (the whole face if the cheeks are hidden). */
  L: number;
  a: number;
  b: number;
  chroma: number;
  /** Individual typology angle of that reference: the skin-tone band, reported, never used to score. */
  ita: number;
}

export interface RegionMeasure {
  /** Skin pixels measured in the region. */
  pixels: number;
  /** Share of the region's outline that is visible skin (turned faces, hair and shadows lower it). */
  coverage: number;
  /** The raw measure of each concern in this region (units in CONCERN_UNITS); null where not measured. */
  values: Record<Concern, number | null>;
}

export interface SkinMeasures {
  width: number;
  height: number;
  /** Pixels counted as skin inside the face oval. */
  skin: Uint8Array;
  reference: SkinReference;
  /** Per-pixel value of each concern, 0 where nothing is found (same units as the region measures). */
  maps: Record<Concern, Float32Array>;
  regions: Record<Region, RegionMeasure>;
}

function contrastScale(cheekL: number): number {
  return Math.min(2, Math.max(0.6, CONTRAST_REFERENCE_L / cheekL));
}

function regionIdOf(region: Region): number {
  return REGION_ORDER.indexOf(region) + 1;
}

function countSelected(select: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < select.length; i++) n += select[i]!;
  return n;
}

/** Keeps the components whose area is within [min, max]. */
function componentsBetween(
  binary: Uint8Array,
  width: number,
  height: number,
  min: number,
  max: number,
): { labels: Int32Array; keep: Uint8Array } {
  const { labels, count, areas } = connectedComponents(binary, width, height);
  const keep = new Uint8Array(count + 1);
  for (let id = 1; id <= count; id++) keep[id] = areas[id]! >= min && areas[id]! <= max ? 1 : 0;
  return { labels, keep };
}

/** Kept components per region id; a component counts once, in the region where its first skin pixel lies. */
function componentCounts(
  components: { labels: Int32Array; keep: Uint8Array },
  regionLabelMap: Uint8Array,
  skin: Uint8Array,
): Int32Array {
  const { labels, keep } = components;
  const seen = new Uint8Array(keep.length);
  const counts = new Int32Array(REGION_ORDER.length + 1);
  for (let i = 0; i < labels.length; i++) {
    const id = labels[i]!;
    const region = regionLabelMap[i]!;
    if (!id || !keep[id] || seen[id] || !skin[i] || !region) continue;
    seen[id] = 1;
    counts[region]!++;
  }
  return counts;
}

export function measureSkin(crop: FaceCrop): SkinMeasures {
  const { width, height } = crop;
  const n = width * height;
  const { L, a, b } = rgbToLab(crop.rgb, width, height);
  const oval = faceMask(crop);
  const labels = regionLabels(crop);
  const leftCheek = regionIdOf('left_cheek');
  const rightCheek = regionIdOf('right_cheek');

  const chroma = new Float32Array(n);
  let cheeks: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    chroma[i] = Math.sqrt(a[i]! * a[i]! + b[i]! * b[i]!);
    if (oval[i] && (labels[i] === leftCheek || labels[i] === rightCheek)) cheeks[i] = 1;
  }
  if (countSelected(cheeks) < 200) cheeks = oval;
  const firstL = quantile(L, cheeks, 0.5);
  const firstChroma = quantile(chroma, cheeks, 0.5);
  const firstContrast = contrastScale(firstL);

  const skin = new Uint8Array(n);
  const skinCheeks = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!oval[i]) continue;
    const darker = (firstL - L[i]!) * firstContrast;
    if (darker > NON_SKIN_FAR_DARKER || (darker > NON_SKIN_DARKER && chroma[i]! < NON_SKIN_CHROMA_SHARE * firstChroma)) continue;
    skin[i] = 1;
    if (cheeks[i]) skinCheeks[i] = 1;
  }
  // The gate has passed a visible face; this only guards against a mesh laid over hair or a mask.
  if (countSelected(skin) < MIN_SKIN_PIXELS) throw new Error('too little visible skin to measure');
  const refSelect = countSelected(skinCheeks) >= 200 ? skinCheeks : skin;
  const refL = quantile(L, refSelect, 0.5);
  const refB = quantile(b, refSelect, 0.5);
  const reference: SkinReference = {
    L: refL,
    a: quantile(a, refSelect, 0.5),
    b: refB,
    chroma: quantile(chroma, refSelect, 0.5),
    ita: individualTypologyAngle(refL, refB),
  };

  const contrast = contrastScale(reference.L);
  const blur = new MaskedBlur(skin, width, height);
  const [fineL, localL, shadingL] = blur.means(L, [FINE_RADIUS, LOCAL_RADIUS, SHADING_RADIUS]) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const [fineA, localA, shadingA] = blur.means(a, [FINE_RADIUS, LOCAL_RADIUS, SHADING_RADIUS]) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const [blurB] = blur.means(b, [FINE_RADIUS]) as [Float32Array];
  const hueRatio = new Float32Array(n);
  for (let i = 0; i < n; i++) hueRatio[i] = fineA[i]! / Math.max(REDNESS_MIN_B, blurB[i]!);
  const redHue = quantile(hueRatio, skin, REDNESS_BASE_QUANTILE);
  const near = blur.coverage(SHADING_RADIUS);

  const maps = Object.fromEntries(CONCERNS.map((concern) => [concern, new Float32Array(n)])) as Record<Concern, Float32Array>;
  const { redness, pigmentation, texture, wrinkles, pores, oiliness, evenness, acne } = maps;
  const darkDetail = new Float32Array(n);
  const poreCandidates = new Uint8Array(n);
  const blemishCandidates = new Uint8Array(n);
  const shineLimit = SHINE_MAX_CHROMA_SHARE * reference.chroma;
  for (let i = 0; i < n; i++) {
    if (!skin[i]) continue;
    const shineExcess = (L[i]! - 0.5 * (shadingL[i]! + reference.L)) * contrast - SHINE_EXCESS;
    const shiny = shineExcess > 0 && chroma[i]! < shineLimit;
    const interior = interiorOf(near[i]!);
    oiliness[i] = shiny ? Math.min(1, shineExcess / SHINE_FULL) : 0;
    redness[i] = Math.max(0, fineA[i]! - redHue * Math.max(REDNESS_MIN_B, blurB[i]!));
    const redExcess = fineA[i]! - localA[i]!;
    const spot = (localL[i]! - fineL[i]!) * contrast;
    pigmentation[i] = !shiny && spot > SPOT_CONTRAST && redExcess < SPOT_MAX_RED_EXCESS ? (spot - SPOT_CONTRAST) * interior : 0;
    texture[i] = shiny ? 0 : Math.abs(L[i]! - fineL[i]!) * contrast * interior;
    const evenL = (fineL[i]! - shadingL[i]!) * contrast;
    const evenA = fineA[i]! - shadingA[i]!;
    evenness[i] = Math.sqrt(evenL * evenL + evenA * evenA) * interior;
    const pore = (fineL[i]! - L[i]!) * contrast;
    if (!shiny && pore > 0) darkDetail[i] = pore;
    if (pore > PORE_CONTRAST && !shiny && interior > 0.5) {
      poreCandidates[i] = 1;
      pores[i] = pore;
    }
    if (redExcess > BLEMISH_RED_EXCESS && interior > 0.5) {
      blemishCandidates[i] = 1;
      acne[i] = redExcess;
    }
  }
  const poreComponents = componentsBetween(poreCandidates, width, height, PORE_MIN_AREA, PORE_MAX_AREA);
  const blemishComponents = componentsBetween(blemishCandidates, width, height, BLEMISH_MIN_AREA, BLEMISH_MAX_AREA);
  for (let i = 0; i < n; i++) {
    const pore = poreComponents.labels[i]!;
    if (!pore || !poreComponents.keep[pore]) pores[i] = 0;
    const blemish = blemishComponents.labels[i]!;
    if (!blemish || !blemishComponents.keep[blemish]) acne[i] = 0;
  }
  const lines = orientedEnergy(darkDetail, width, height, WRINKLE_RADIUS);
  const wrinkleRegion = new Uint8Array(REGION_ORDER.length + 1);
  for (const region of WRINKLE_REGIONS) wrinkleRegion[regionIdOf(region)] = 1;
  for (let i = 0; i < n; i++) if (skin[i] && wrinkleRegion[labels[i]!]) wrinkles[i] = Math.sqrt(lines[i]!) * interiorOf(near[i]!);
  const poreCounts = componentCounts(poreComponents, labels, skin);
  const blemishCounts = componentCounts(blemishComponents, labels, skin);

  // One pass for every region's sums; medians of the cheeks and under-eyes need their own masks.
  const regionCount = REGION_ORDER.length + 1;
  const outline = new Int32Array(regionCount);
  const pixels = new Int32Array(regionCount);
  const sums = new Float64Array(regionCount * CONCERNS.length);
  const summed = [redness, pigmentation, texture, wrinkles, oiliness, evenness];
  const summedIndex = (['redness', 'pigmentation', 'texture', 'wrinkles', 'oiliness', 'evenness'] as const).map((concern) =>
    CONCERNS.indexOf(concern),
  );
  const selects = new Map<number, Uint8Array>();
  for (const region of ['left_cheek', 'right_cheek', 'under_eye_left', 'under_eye_right'] as const)
    selects.set(regionIdOf(region), new Uint8Array(n));
  for (let i = 0; i < n; i++) {
    const id = labels[i]!;
    if (!id) continue;
    outline[id]!++;
    if (!skin[i]) continue;
    pixels[id]!++;
    const select = selects.get(id);
    if (select) select[i] = 1;
    for (let k = 0; k < summed.length; k++) sums[id * CONCERNS.length + summedIndex[k]!]! += summed[k]![i]!;
  }
  const mean = (id: number, concern: Concern) => sums[id * CONCERNS.length + CONCERNS.indexOf(concern)]! / pixels[id]!;

  // Dark circles: each under-eye against the cheek on the same side (the other cheek if that one is hidden).
  const cheekL = new Map<number, number>();
  const cheekB = new Map<number, number>();
  for (const id of [leftCheek, rightCheek]) {
    if (pixels[id]! < 100) continue;
    cheekL.set(id, quantile(L, selects.get(id)!, 0.5));
    cheekB.set(id, quantile(b, selects.get(id)!, 0.5));
  }

  const regions = {} as Record<Region, RegionMeasure>;
  for (const region of REGIONS) {
    const id = regionIdOf(region);
    const values = Object.fromEntries(CONCERNS.map((concern) => [concern, null])) as Record<Concern, number | null>;
    regions[region] = { pixels: pixels[id]!, coverage: outline[id] ? pixels[id]! / outline[id]! : 0, values };
    if (pixels[id]! < 50) continue;
    values.texture = mean(id, 'texture');
    if (wrinkleRegion[id]) values.wrinkles = mean(id, 'wrinkles');
    if (region === 'under_eye_left' || region === 'under_eye_right') {
      const own = region === 'under_eye_left' ? leftCheek : rightCheek;
      const other = own === leftCheek ? rightCheek : leftCheek;
      const refCheekL = cheekL.get(own) ?? cheekL.get(other) ?? reference.L;
      const refCheekB = cheekB.get(own) ?? cheekB.get(other) ?? reference.b;
      const select = selects.get(id)!;
      // Relative to the cheek's own lightness: a darker complexion (or dimmer light) shrinks every L*
      // difference, while the ratio of a shadow to its surround stays put.
      const darker = (100 * (refCheekL - quantile(L, select, 0.5))) / refCheekL;
      const lessYellow = (100 * (refCheekB - quantile(b, select, 0.5))) / Math.max(DARK_CIRCLE_MIN_CHROMA, reference.chroma);
      values.dark_circles = Math.max(0, darker) + DARK_CIRCLE_YELLOW_SHARE * Math.max(0, lessYellow);
      for (let i = 0; i < n; i++) if (select[i]) maps.dark_circles[i] = Math.max(0, (100 * (refCheekL - fineL[i]!)) / refCheekL);
      continue;
    }
    const per1000 = 1000 / pixels[id]!;
    values.redness = mean(id, 'redness');
    values.pigmentation = mean(id, 'pigmentation');
    values.pores = poreCounts[id]! * per1000;
    values.oiliness = mean(id, 'oiliness') * 100;
    values.evenness = mean(id, 'evenness');
    values.acne = blemishCounts[id]! * per1000 * 10;
  }
  return { width, height, skin, reference, maps, regions };
}
