import { describe, expect, it } from 'vitest';
import { changeClass, signed } from '../../web/src/analysis/score-change.ts';

describe('a change of skin score', () => {
  it('always shows its sign, with a true minus sign for a drop', () => {
    expect(signed(7)).toBe('+7');
    expect(signed(-3)).toBe('−3');
    expect(signed(0)).toBe('±0');
  });

  it('a higher score reads as better, a lower one as worse', () => {
    expect(changeClass(4)).toBe('better');
    expect(changeClass(-1)).toBe('worse');
    expect(changeClass(0)).toBe('same');
  });
});
