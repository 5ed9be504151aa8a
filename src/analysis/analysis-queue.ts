/** The analysis queues and their job data: shared by the service that sends and the job that works them. */
export const ANALYSIS_QUEUE = 'skin-analysis';
export const ANALYSIS_DEAD_LETTER_QUEUE = 'skin-analysis-dead-letter';

export interface AnalysisJobData {
  clinicId: string;
  analysisId: string;
}
