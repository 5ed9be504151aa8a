import { isMeaningfulChange, minimumDetectableChange, type ScoreName } from './engine/measurement-error.ts';
import { CONCERNS, concernScores, type SkinAnalysisResult } from './skin-analyzer.ts';

type Compared = Pick<SkinAnalysisResult, 'provider' | 'modelVersion' | 'overallScore' | 'concerns'>;

/** One score of two results: its change (b − a) and whether that is more than the analyser's measurement error. */
export interface ScoreChange {
  a: number;
  b: number;
  /** null when the two results cannot be compared (different analysers). */
  change: number | null;
  /** The analyser's MDC95 for this score; null when not measured for its version. */
  mdc: number | null;
  /** |change| ≥ mdc; null when either is unknown. */
  meaningful: boolean | null;
}

/**
 * Two results of one person compared as far as they can be: scores of different providers or analyser
 * versions are on different scales (a new version may score the same skin differently), so their change is
 * not computed. Only concerns both results measured are listed.
 */
export function compareResults(a: Compared, b: Compared) {
  const comparable = a.provider === b.provider && a.modelVersion === b.modelVersion;
  const scoreChange = (score: ScoreName, sa: number, sb: number): ScoreChange => {
    if (!comparable) return { a: sa, b: sb, change: null, mdc: null, meaningful: null };
    const change = sb - sa;
    return {
      a: sa,
      b: sb,
      change,
      mdc: minimumDetectableChange(a.modelVersion, score),
      meaningful: isMeaningfulChange(a.modelVersion, score, change),
    };
  };
  const [sa, sb] = [concernScores(a.concerns), concernScores(b.concerns)];
  return {
    comparable,
    overall: scoreChange('overall', a.overallScore, b.overallScore),
    concerns: CONCERNS.flatMap((c) =>
      sa[c] === undefined || sb[c] === undefined ? [] : [{ concern: c, ...scoreChange(c, sa[c], sb[c]) }],
    ),
  };
}
