/** A change of score with its sign always shown (scores are higher-is-healthier, so + is better). */
export const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');
export const changeClass = (n: number) => (n > 0 ? 'better' : n < 0 ? 'worse' : 'same');
/** A change within the analyser's measurement error reads as no change, whatever its sign. */
export const verdictClass = (n: number, meaningful: boolean | null) => (meaningful === false ? 'same' : changeClass(n));
