import { describe, expect, it } from 'vitest';
import { clinicHasFeature } from '../../src/flags/clinic-features.ts';
import { isInRollout, rolloutBucket } from '../../src/flags/rollout.ts';

const subjects = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const flag = (rollout_percent: number, enabled = true) => ({ feature_key: 'ai.skin_report', enabled, rollout_percent });

describe('rollout evaluation', () => {
  it('the same subject always gets the same answer', () => {
    for (const id of subjects.slice(0, 500)) {
      expect(rolloutBucket('ai.skin_report', id)).toBe(rolloutBucket('ai.skin_report', id));
      expect(isInRollout(flag(37), id)).toBe(isInRollout(flag(37), id));
    }
  });

  it('buckets are 0..99 and spread evenly', () => {
    const counts = new Array<number>(100).fill(0);
    for (const id of subjects) counts[rolloutBucket('ai.skin_report', id)]!++;
    expect(counts.every((n) => n > 0)).toBe(true);
    // 200 expected per bucket; a fair hash stays well inside these bounds.
    expect(Math.min(...counts)).toBeGreaterThan(130);
    expect(Math.max(...counts)).toBeLessThan(270);
  });

  it.each([1, 10, 25, 50, 90])('a %i%% rollout takes in about that share of subjects', (percent) => {
    const share = subjects.filter((id) => isInRollout(flag(percent), id)).length / subjects.length;
    expect(Math.abs(share - percent / 100)).toBeLessThan(0.015);
  });

  it('0% and a disabled flag include nobody; 100% includes everybody', () => {
    expect(subjects.some((id) => isInRollout(flag(0), id))).toBe(false);
    expect(subjects.some((id) => isInRollout(flag(100, false), id))).toBe(false);
    expect(subjects.every((id) => isInRollout(flag(100), id))).toBe(true);
  });

  it('a subject inside a rollout stays inside when the rollout grows', () => {
    const at20 = subjects.filter((id) => isInRollout(flag(20), id));
    expect(at20.every((id) => isInRollout(flag(60), id))).toBe(true);
  });

  it('each flag picks its own share of subjects', () => {
    const a = new Set(subjects.filter((id) => isInRollout({ ...flag(50), feature_key: 'flag.a' }, id)));
    const both = subjects.filter((id) => a.has(id) && isInRollout({ ...flag(50), feature_key: 'flag.b' }, id)).length;
    // Independent 50% picks overlap on about a quarter of subjects, not on half.
    expect(Math.abs(both / subjects.length - 0.25)).toBeLessThan(0.02);
  });
});

describe('clinic-wide features', () => {
  const clinics = Array.from({ length: 1_000 }, (_, i) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const platform = (rollout_percent: number, enabled = true) => ({ enabled, rollout_percent });
  const inAt = (percent: number) => clinics.filter((id) => clinicHasFeature('response-cache', id, undefined, platform(percent)));

  it('a 30% platform rollout takes in about 300 of 1,000 clinics, the same ones every time', () => {
    const first = inAt(30);
    expect(first.length).toBeGreaterThan(260);
    expect(first.length).toBeLessThan(340);
    expect(inAt(30)).toEqual(first);
    // Growing the share only adds clinics.
    const at60 = new Set(inAt(60));
    expect(first.every((id) => at60.has(id))).toBe(true);
  });

  it("a clinic's own flag wins over the platform state, either way", () => {
    const outAt30 = clinics.find((id) => !clinicHasFeature('response-cache', id, undefined, platform(30)))!;
    const inAt30 = clinics.find((id) => clinicHasFeature('response-cache', id, undefined, platform(30)))!;
    expect(clinicHasFeature('response-cache', outAt30, { enabled: true }, platform(30))).toBe(true);
    expect(clinicHasFeature('response-cache', inAt30, { enabled: false }, platform(30))).toBe(false);
    expect(clinicHasFeature('response-cache', inAt30, { enabled: true }, platform(100, false))).toBe(true);
  });

  it("without any row the code's default applies: the response cache is on for every clinic, an unknown feature off", () => {
    expect(clinics.every((id) => clinicHasFeature('response-cache', id, undefined, undefined))).toBe(true);
    expect(clinics.some((id) => clinicHasFeature('never.declared', id, undefined, undefined))).toBe(false);
    expect(clinics.some((id) => clinicHasFeature('response-cache', id, undefined, platform(100, false)))).toBe(false);
  });
});
