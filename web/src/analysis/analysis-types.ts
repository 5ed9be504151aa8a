import type { z } from 'zod';
import type {
  Analysis as AnalysisSchema,
  ListedAnalysis as ListedAnalysisSchema,
  ConsentStatus as ConsentStatusSchema,
  ConsentText as ConsentTextSchema,
  Comparison as ComparisonSchema,
  TrendPoint as TrendPointSchema,
} from '../../../src/analysis/analysis-schemas.ts';
import type { AnalysisStatus } from '../../../src/analysis/analysis-vocabulary.ts';

export type Analysis = z.output<typeof AnalysisSchema>;
export type AnalysisResult = NonNullable<Analysis['result']>;
export type Recommendation = Analysis['recommendations'][number];
export type ConsentStatus = z.output<typeof ConsentStatusSchema>;
export type ConsentText = z.output<typeof ConsentTextSchema>;
export type ListedAnalysis = z.output<typeof ListedAnalysisSchema>;
export interface AnalysisPage {
  items: ListedAnalysis[];
  nextCursor: string | null;
}
export type TrendPoint = z.output<typeof TrendPointSchema>;
export type Comparison = z.output<typeof ComparisonSchema>;
export type { AnalysisStatus };

/** What the events stream sends, one per stage change. */
export interface ProgressEvent {
  id: string;
  status: AnalysisStatus;
  progress: number;
}
