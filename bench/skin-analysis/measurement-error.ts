// Repeatability as clinical measurement reports it: the within-subject standard deviation (the typical
// error of one measurement, from repeated captures of the same skin) and the minimum detectable change,
// MDC95 = 1.96 × √2 × SD ≈ 2.77 × SD: the smallest difference between two measurements of one person that
// is larger than measurement error with 95% confidence.

/** One subject's scores for one concern across captures that should not change the skin; null: not measured. */
export interface RepeatedScores {
  subject: string;
  scores: readonly (number | null)[];
}

export interface Repeatability {
  /** Subjects with at least two measured captures: only they say anything about error. */
  subjects: number;
  /** Measured captures of those subjects. */
  captures: number;
  /** Captures the analyser did not measure (null), of all subjects. */
  notMeasured: number;
  /** Pooled within-subject SD: the root of the subjects' variances weighted by their degrees of freedom. */
  sd: number;
  /** 2.77 × sd. */
  mdc: number;
  /** The largest single subject's SD: a mean can hide one face that scores erratically. */
  worstSubjectSd: number;
}

export const MDC_FACTOR = 1.96 * Math.SQRT2;

export function repeatability(groups: readonly RepeatedScores[]): Repeatability {
  let squares = 0;
  let degrees = 0;
  let subjects = 0;
  let captures = 0;
  let notMeasured = 0;
  let worst = 0;
  for (const { scores } of groups) {
    const measured = scores.filter((s): s is number => s !== null);
    notMeasured += scores.length - measured.length;
    if (measured.length < 2) continue;
    const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
    const sum = measured.reduce((a, s) => a + (s - mean) ** 2, 0);
    squares += sum;
    degrees += measured.length - 1;
    subjects++;
    captures += measured.length;
    worst = Math.max(worst, Math.sqrt(sum / (measured.length - 1)));
  }
  const sd = degrees === 0 ? Number.NaN : Math.sqrt(squares / degrees);
  return { subjects, captures, notMeasured, sd, mdc: MDC_FACTOR * sd, worstSubjectSd: degrees === 0 ? Number.NaN : worst };
}
