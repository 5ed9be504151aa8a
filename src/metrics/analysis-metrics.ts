import { Counter, Histogram, type Registry } from 'prom-client';

export type AnalysisStage = 'decode' | 'detect' | 'gate' | 'measure' | 'heatmaps' | 'provider' | 'store';

export interface AnalysisMetrics {
  ended(provider: string, outcome: 'completed' | 'rejected' | 'failed'): void;
  stage(provider: string, stage: AnalysisStage, seconds: number): void;
  /** Tokens a provider reports it used for one analysis (OpenAI's `usage`). */
  tokens(model: string, usage: { prompt: number; completion: number }): void;
}

export function defineAnalysisMetrics(registry: Registry): AnalysisMetrics {
  const ended = new Counter({
    name: 'analyses_total',
    help: 'Analyses that ended, by provider and outcome (completed, rejected by the quality gate, failed)',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const stages = new Histogram({
    name: 'analysis_stage_duration_seconds',
    help: 'Time per analysis stage: decode, detect, gate, measure, heatmaps (local), provider (OpenAI call), store',
    labelNames: ['provider', 'stage'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  // Cost per clinic is an analytics figure (a clinic id is never a label); tokens per model are enough here.
  const tokens = new Counter({
    name: 'openai_tokens_total',
    help: 'Tokens OpenAI reported for analyses, by model and kind (prompt, completion)',
    labelNames: ['model', 'kind'],
    registers: [registry],
  });
  return {
    ended: (provider, outcome) => ended.inc({ provider, outcome }),
    stage: (provider, stage, seconds) => stages.observe({ provider, stage }, seconds),
    tokens(model, usage) {
      tokens.inc({ model, kind: 'prompt' }, usage.prompt);
      tokens.inc({ model, kind: 'completion' }, usage.completion);
    },
  };
}
