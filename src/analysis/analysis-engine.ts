import type { Config } from '../config.ts';
import { loadFaceModel } from './engine/face-model.ts';
import { createLocalAnalyzer, type LocalSkinAnalyzer } from './engine/local-analyzer.ts';
import { passPhoto, type PhotoPass, type StageRunner } from './engine/photo-pass.ts';
import { createOpenAiAnalyzer } from './openai-analyzer.ts';
import type { PhotoInput, SkinAnalyzer } from './skin-analyzer.ts';

export interface AnalysisEngine {
  /** Decode → detect → gate, once per photo: the input every provider is given. */
  passPhoto(image: Buffer, stage?: StageRunner): Promise<PhotoPass>;
  local: LocalSkinAnalyzer;
  /** Null when no OpenAI key is configured. */
  openai: SkinAnalyzer<PhotoInput> | null;
}

let engine: Promise<AnalysisEngine> | undefined;

/** Models load once per worker process (~0.3 s and ~300 MB), on the first job, never per job. */
export function analysisEngine(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS'>,
): Promise<AnalysisEngine> {
  engine ??= loadFaceModel().then(
    (faceModel) => ({
      passPhoto: (image, stage) => passPhoto(faceModel, image, stage),
      local: createLocalAnalyzer(),
      openai: createOpenAiAnalyzer(config),
    }),
    (error: unknown) => {
      engine = undefined;
      throw error;
    },
  );
  return engine;
}
