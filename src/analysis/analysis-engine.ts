import type { Config } from '../config.ts';
import { loadFaceModel, type FaceModel } from './engine/face-model.ts';
import { createLocalAnalyzer, type LocalSkinAnalyzer } from './engine/local-analyzer.ts';
import { createOpenAiAnalyzer } from './openai-analyzer.ts';
import { assessQuality } from './engine/quality-gate.ts';
import type { SkinAnalyzer } from './skin-analyzer.ts';

export interface AnalysisEngine {
  faceModel: FaceModel;
  assessQuality: typeof assessQuality;
  local: LocalSkinAnalyzer;
  /** Null when no OpenAI key is configured. */
  openai: SkinAnalyzer | null;
}

let engine: Promise<AnalysisEngine> | undefined;

/** Models load once per worker process (~0.3 s and ~300 MB), on the first job, never per job. */
export function analysisEngine(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS'>,
): Promise<AnalysisEngine> {
  engine ??= loadFaceModel().then(
    (faceModel) => ({
      faceModel,
      assessQuality,
      local: createLocalAnalyzer({ faceModel: async () => faceModel }),
      openai: createOpenAiAnalyzer(config),
    }),
    (error: unknown) => {
      engine = undefined;
      throw error;
    },
  );
  return engine;
}
