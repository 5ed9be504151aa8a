import type { z } from 'zod';
import type {
  Analysis as AnalysisSchema,
  ListedAnalysis as ListedAnalysisSchema,
  ConsentStatus as ConsentStatusSchema,
  ConsentText as ConsentTextSchema,
} from '../../../src/analysis/analysis-schemas.ts';
import type { AnalysisService } from '../../../src/analysis/analysis-service.ts';
import type { QualityProblemCode } from '../../../src/analysis/quality-gate.ts';
import type { Concern, Region } from '../../../src/analysis/skin-analyzer.ts';

export type Analysis = z.output<typeof AnalysisSchema>;
export type AnalysisStatus = Analysis['status'];
export type AnalysisResult = NonNullable<Analysis['result']>;
export type Recommendation = Analysis['recommendations'][number];
export type ConsentStatus = z.output<typeof ConsentStatusSchema>;
export type ConsentText = z.output<typeof ConsentTextSchema>;
export type ListedAnalysis = z.output<typeof ListedAnalysisSchema>;
export interface AnalysisPage {
  items: ListedAnalysis[];
  nextCursor: string | null;
}
// The trend and compare routes answer with what the service returns (no exported schema).
export type TrendPoint = Awaited<ReturnType<AnalysisService['trend']>>[number];
export type Comparison = Awaited<ReturnType<AnalysisService['compare']>>;
export type { Concern, QualityProblemCode, Region };

/** What the events stream sends, one per stage change. */
export interface ProgressEvent {
  id: string;
  status: AnalysisStatus;
  progress: number;
}
