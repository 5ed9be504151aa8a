/** A change of score with its sign always shown (scores are higher-is-healthier, so + is better). */
export const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');
export const changeClass = (n: number) => (n > 0 ? 'better' : n < 0 ? 'worse' : 'same');
