// The words of a skin analysis that the API and the web app share, free of server code: its statuses,
// how far the progress bar stands at each stage, and the reasons a photo is turned away.

export const ANALYSIS_STATUSES = ['queued', 'quality_check', 'analysing', 'completed', 'rejected', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

/** Statuses an analysis never leaves: the job skips it and the live stream closes. */
export const FINISHED_STATUSES = ['completed', 'rejected', 'failed'] as const satisfies readonly AnalysisStatus[];
export const isFinished = (status: AnalysisStatus) => (FINISHED_STATUSES as readonly AnalysisStatus[]).includes(status);

/** The progress bar's percentage as each stage of the job begins. */
export const STAGE_PROGRESS = {
  queued: 0,
  qualityCheck: 10,
  analysing: 40,
  storingResult: 85,
  finished: 100,
} as const;

export const QUALITY_PROBLEM_CODES = [
  'image-too-small',
  'no-face',
  'multiple-faces',
  'face-too-small',
  'face-cut-off',
  'too-dark',
  'over-exposed',
  'too-blurry',
  'colour-cast',
] as const;
export type QualityProblemCode = (typeof QUALITY_PROBLEM_CODES)[number];
