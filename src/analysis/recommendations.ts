import type { Concern } from './skin-analyzer.ts';

export interface CatalogueTreatment {
  id: string;
  category: string;
  name: { en: string | null; th: string | null; zh: string | null };
  priceSatang: number;
}

export interface Recommendation {
  concern: Concern;
  score: number;
  treatment: CatalogueTreatment;
  reason: string;
}

// Which kinds of treatment address which concern, best first. Category is the clinic's own
// classification of its catalogue, so this works for any clinic without naming its products.
const CATEGORIES_FOR: Record<Concern, string[]> = {
  pigmentation: ['laser', 'skincare', 'facial'],
  redness: ['laser', 'device', 'facial'],
  acne: ['facial', 'skincare', 'laser'],
  texture: ['device', 'laser', 'injectable'],
  // Expression lines soften with neuromodulators and fillers; finer etched lines with resurfacing and collagen-building devices.
  wrinkles: ['injectable', 'laser', 'device'],
  pores: ['facial', 'device', 'laser'],
  oiliness: ['facial', 'skincare'],
  evenness: ['laser', 'skincare', 'facial'],
  dark_circles: ['injectable', 'skincare'],
};

const REASON: Record<Concern, string> = {
  pigmentation: 'Brown spots and pigmentation scored low',
  redness: 'Redness scored low',
  acne: 'Blemishes and acne marks were found',
  texture: 'Rough or uneven skin texture scored low',
  wrinkles: 'Fine lines and wrinkles scored low',
  pores: 'Visible pores scored low',
  oiliness: 'Shine and oiliness scored low',
  evenness: 'Skin tone is uneven',
  dark_circles: 'Dark circles under the eyes scored low',
};

/** Below this a concern is worth treating. */
export const CONCERN_THRESHOLD = 60;

/**
 * The clinic's own treatments for the weakest concerns: for each concern under the threshold
 * (weakest first), the first active treatment in the best-matching category, at most one per concern
 * and each treatment once.
 */
export function recommendTreatments(
  scores: Partial<Record<Concern, number>>,
  catalogue: CatalogueTreatment[],
  limit = 4,
): Recommendation[] {
  const weak = (Object.entries(scores) as [Concern, number][])
    .filter(([, s]) => s < CONCERN_THRESHOLD)
    .sort((a, b) => a[1] - b[1]);
  const used = new Set<string>();
  const out: Recommendation[] = [];
  for (const [concern, score] of weak) {
    const treatment = CATEGORIES_FOR[concern]
      .flatMap((category) => catalogue.filter((t) => t.category === category && !used.has(t.id)))
      .at(0);
    if (!treatment) continue;
    used.add(treatment.id);
    out.push({ concern, score, treatment, reason: `${REASON[concern]} (${score}/100).` });
    if (out.length === limit) break;
  }
  return out;
}
