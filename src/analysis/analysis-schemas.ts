import { z } from 'zod';
import { PageQuery } from '../http/pagination.ts';
import { Locale } from '../users/user-schemas.ts';
import type { AnalysisRow } from './analysis-repo.ts';
import { ANALYSIS_STATUSES } from './analysis-vocabulary.ts';
import type { Recommendation } from './recommendations.ts';
import { ITA_BANDS, type ItaBand } from './engine/local/colour.ts';
import { CONCERNS, LATER_CONCERNS, NOT_MEASURED_REASONS, REGIONS, SKIN_TYPES } from './skin-analyzer.ts';

export const CustomerQuery = z.object({
  customerId: z.uuid().optional().meta({ description: 'Staff: the customer; customers act for themselves' }),
});
export const WithdrawConsentQuery = CustomerQuery.extend({
  deletePhotos: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .meta({ description: "Also delete the customer's existing photos and heatmaps (their scores stay)" }),
});
export const ConsentText = z.object({ version: z.string(), locale: Locale, text: z.string() });
export const ConsentStatus = z.object({
  granted: z.boolean(),
  version: z.string().nullable(),
  grantedAt: z.iso.datetime().nullable(),
});
export const GrantConsentBody = z
  .object({ customerId: z.uuid().optional(), version: z.string().min(1).max(100), locale: Locale })
  .strict();
export const AnalysisListQuery = PageQuery.extend({ customerId: z.uuid().optional() });
export const CompareQuery = z.object({ a: z.uuid(), b: z.uuid() });
export const TrendQuery = CustomerQuery.extend({ limit: z.coerce.number().int().min(2).max(100).default(24) });
export const ImageParams = z.object({
  id: z.uuid(),
  variant: z.enum(['working', 'thumb-256', 'thumb-768', ...CONCERNS.map((c) => `heatmap-${c}` as const)]),
});

const Score = z.number().int().min(1).max(100);
const ConcernScore = z.object({
  score: Score.nullable().meta({ description: '1–100, higher is healthier; null when the concern could not be measured' }),
  notMeasured: z.enum(NOT_MEASURED_REASONS).optional().meta({
    description: 'Why the score is null: region-not-visible (a turned face, hair or a hand hid every region it is measured on)',
  }),
  regions: z.partialRecord(z.enum(REGIONS), Score),
});
const LaterConcernScore = ConcernScore.optional().meta({
  description: 'Absent in results stored before this concern was measured',
});
const ConcernScores = z.object(
  Object.fromEntries(
    CONCERNS.map((c) => [c, LATER_CONCERNS.includes(c) ? LaterConcernScore : ConcernScore]),
  ) as unknown as Record<(typeof CONCERNS)[number], typeof ConcernScore>,
);

export const Analysis = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    status: z.enum(ANALYSIS_STATUSES),
    progress: z.number().int(),
    provider: z.enum(['local', 'openai']),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    image: z.object({ width: z.number().int(), height: z.number().int(), thumbnailUrl: z.string(), workingUrl: z.string() }),
    imagesDeleted: z
      .boolean()
      .meta({ description: 'The photo and heatmaps were deleted (consent withdrawn, or retention); the scores stay' }),
    quality: z
      .object({
        passed: z.boolean(),
        problems: z.array(z.object({ code: z.string(), message: z.record(z.string(), z.string()) }).passthrough()),
      })
      .passthrough()
      .nullable(),
    result: z
      .object({
        modelVersion: z.string(),
        overallScore: Score,
        concerns: ConcernScores,
        skinType: z.enum(SKIN_TYPES).meta({
          description: 'From shine and roughness by zone: it depends on the lighting of the photo (flash or sun reads as shine)',
        }),
        skinAge: z.number().nullable().meta({
          description:
            'Apparent age in years: the face model’s estimate of the person’s age from the photo, adjusted by at most −5…+10 years by the fine-lines, spots, texture and dark-circle scores (OpenAI: the vision model’s estimate). Not a biological measure; null when the provider cannot tell',
        }),
        confidence: z.number().meta({
          description:
            '0–1. Local provider: the weakest of its capture limits (face resolution, sharpness, light, visibility of the regions, detection)',
        }),
        heatmapUrls: z.record(z.string(), z.string()),
      })
      .nullable(),
    skinTone: z
      .object({
        ita: z.number().meta({ description: 'Individual typology angle (ITA°) of the face’s skin, as lit in the photo' }),
        band: z.enum(ITA_BANDS.map((entry) => entry.band) as [ItaBand, ...ItaBand[]]).meta({
          description: 'very-light > 55°, light 41–55°, intermediate 28–41°, tan 10–28°, brown −30–10°, dark < −30°',
        }),
      })
      .nullable()
      .meta({
        description:
          'Null before the photo was checked, for a photo without a face, and for analyses stored before it was measured',
      }),
    failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
    recommendations: z.array(
      z.object({
        concern: z.string(),
        score: Score,
        reason: z.string(),
        treatment: z.object({
          id: z.uuid(),
          category: z.string(),
          name: z.object({ en: z.string().nullable(), th: z.string().nullable(), zh: z.string().nullable() }),
          priceSatang: z.number().int(),
        }),
      }),
    ),
  })
  .meta({ id: 'SkinAnalysis' });

/** One completed analysis on the customer's timeline: only the concerns its result measured have a score. */
export const TrendPoint = z
  .object({
    analysisId: z.uuid(),
    at: z.iso.datetime(),
    overallScore: z.number(),
    scores: z.partialRecord(z.enum(CONCERNS), z.number()),
    // Scores of different analysers are on different scales: a trend is drawn over one of them.
    provider: z.enum(['local', 'openai']),
    modelVersion: z.string(),
  })
  .meta({ id: 'SkinAnalysisTrendPoint' });

const ComparedAnalysis = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  overallScore: z.number(),
  provider: z.enum(['local', 'openai']),
  modelVersion: z.string(),
});
const ScoreChange = z.object({
  a: z.number(),
  b: z.number(),
  change: z.number().nullable().meta({ description: 'b − a; null when the two results are not comparable' }),
  mdc: z.number().nullable().meta({
    description:
      "The analyser version's minimum detectable change (MDC95) for this score, from bench:repeatability; null when not measured",
  }),
  meaningful: z.boolean().nullable().meta({ description: '|change| ≥ mdc: more than measurement error; null when unknown' }),
});
/**
 * Two completed analyses side by side: each score's change (b − a) and whether it is more than the analyser's
 * measurement error, over the concerns both results measured. Results of different providers or analyser
 * versions are not comparable (`comparable: false`): their changes are null.
 */
export const Comparison = z
  .object({
    a: ComparedAnalysis,
    b: ComparedAnalysis,
    comparable: z.boolean(),
    overall: ScoreChange,
    concerns: z.array(ScoreChange.extend({ concern: z.enum(CONCERNS) })),
  })
  .meta({ id: 'SkinAnalysisComparison' });

export const ListedAnalysis = Analysis.extend({ customerName: z.string() }).meta({ id: 'ListedSkinAnalysis' });

export function toAnalysis(row: AnalysisRow, recommendations: Recommendation[] = []): z.infer<typeof Analysis> {
  const base = `/api/analyses/${row.id}/images`;
  const result = row.result as {
    modelVersion: string;
    overallScore: number;
    concerns: never;
    skinType: (typeof SKIN_TYPES)[number];
    skinAge: number | null;
    confidence: number;
  } | null;
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    progress: row.progress,
    provider: row.provider,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    image: {
      width: row.working_width,
      height: row.working_height,
      thumbnailUrl: `${base}/thumb-768`,
      workingUrl: `${base}/working`,
    },
    imagesDeleted: row.images_deleted_at !== null,
    quality: (row.quality as z.infer<typeof Analysis>['quality']) ?? null,
    result: result && {
      modelVersion: result.modelVersion,
      overallScore: result.overallScore,
      concerns: result.concerns,
      skinType: result.skinType,
      skinAge: result.skinAge,
      confidence: result.confidence,
      heatmapUrls: row.images_deleted_at ? {} : Object.fromEntries(row.heatmap_concerns.map((c) => [c, `${base}/heatmap-${c}`])),
    },
    skinTone:
      row.skin_tone_ita === null || row.skin_tone_band === null ? null : { ita: row.skin_tone_ita, band: row.skin_tone_band },
    failure: row.failure_code ? { code: row.failure_code, reason: row.failure_reason ?? '' } : null,
    recommendations,
  };
}
