import { describe, expect, it } from 'vitest';
import { isInRollout, rolloutBucket } from '../../src/flags/flag-service.ts';

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
