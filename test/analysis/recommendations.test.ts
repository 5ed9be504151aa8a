import { describe, expect, it } from 'vitest';
import { recommendTreatments, type CatalogueTreatment } from '../../src/analysis/recommendations.ts';
import { CONCERNS, type Concern } from '../../src/analysis/skin-analyzer.ts';

const treatment = (id: string, category: string): CatalogueTreatment => ({
  id,
  category,
  name: { en: id, th: null, zh: null },
  priceSatang: 100_000,
});
const healthy = Object.fromEntries(CONCERNS.map((c) => [c, 85])) as Record<Concern, number>;

describe('treatment recommendations', () => {
  it("maps the weakest concerns to the clinic's own treatments, weakest first, with the reason", () => {
    const catalogue = [treatment('pico-laser', 'laser'), treatment('hydrafacial', 'facial'), treatment('filler', 'injectable')];
    const recs = recommendTreatments({ ...healthy, pigmentation: 35, acne: 50 }, catalogue);
    expect(recs.map((r) => [r.concern, r.treatment.id])).toEqual([
      ['pigmentation', 'pico-laser'],
      ['acne', 'hydrafacial'],
    ]);
    expect(recs[0]!.reason).toContain('35/100');
  });

  it('recommends nothing for healthy skin or a clinic without a matching treatment', () => {
    expect(recommendTreatments(healthy, [treatment('pico-laser', 'laser')])).toEqual([]);
    expect(recommendTreatments({ ...healthy, dark_circles: 20 }, [treatment('body-wrap', 'body')])).toEqual([]);
  });

  it('suggests an injectable for fine lines, then laser or a device, and says it is for the lines', () => {
    const [injectable] = recommendTreatments({ ...healthy, wrinkles: 40 }, [
      treatment('co2-laser', 'laser'),
      treatment('botox', 'injectable'),
    ]);
    expect(injectable).toMatchObject({
      concern: 'wrinkles',
      treatment: { id: 'botox' },
      reason: 'Fine lines and wrinkles scored low (40/100).',
    });
    const [laser] = recommendTreatments({ ...healthy, wrinkles: 40 }, [
      treatment('co2-laser', 'laser'),
      treatment('rf-microneedling', 'device'),
    ]);
    expect(laser!.treatment.id).toBe('co2-laser');
  });

  it('offers each treatment once, falling back to the next matching category', () => {
    const recs = recommendTreatments({ ...healthy, pigmentation: 30, redness: 40 }, [
      treatment('ipl', 'laser'),
      treatment('calming-facial', 'facial'),
    ]);
    expect(recs.map((r) => r.treatment.id)).toEqual(['ipl', 'calming-facial']);
  });
});
