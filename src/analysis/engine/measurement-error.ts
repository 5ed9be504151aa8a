import table from './measurement-error.json' with { type: 'json' };
import type { Concern } from '../skin-analyzer.ts';

// How far a score moves between captures of the same skin, per analyser version: the minimum detectable
// change (MDC95) that `npm run bench:repeatability -- --write-table` measured for each score. A difference
// between two analyses below it is not a change of skin, and the comparison and trend pages say so. The
// table is data, written by the bench and committed with the analyser it measured: a calibration from
// graded clinical photos would replace these figures without a code change. An analyser version with no
// entry (a new build not yet measured, or the OpenAI provider, whose repeatability cannot be measured
// offline) has no MDC, and its changes are shown without a verdict.

export type ScoreName = Concern | 'overall';

export interface MeasurementErrorEntry {
  modelVersion: string;
  /** When and on what the bench measured it. */
  measuredAt: string;
  faces: number;
  captures: number;
  /** MDC95 per score, in points; a score the bench could not measure is absent. */
  mdc: Partial<Record<ScoreName, number>>;
}

const ENTRIES = table.entries as MeasurementErrorEntry[];

/** The MDC95 of `score` for results of `modelVersion`, or null when it was not measured. */
export function minimumDetectableChange(modelVersion: string, score: ScoreName): number | null {
  return ENTRIES.find((e) => e.modelVersion === modelVersion)?.mdc[score] ?? null;
}

/**
 * Whether a change of `change` points in `score` between two results of `modelVersion` is more than
 * measurement error: null when that analyser's error is not known.
 */
export function isMeaningfulChange(modelVersion: string, score: ScoreName, change: number): boolean | null {
  const mdc = minimumDetectableChange(modelVersion, score);
  return mdc === null ? null : Math.abs(change) >= mdc;
}
