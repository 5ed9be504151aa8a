import { z } from 'zod';
import type { FeatureFlagRow } from './flag-repo.ts';
import type { FlagDefault } from './flag-service.ts';

// Same rule as the feature_flags.feature_key CHECK constraint.
export const FeatureKey = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{1,63}$/, '2 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter');

export const FeatureParams = z.object({ id: z.uuid(), key: FeatureKey });

export const SetFeatureBody = z.object({
  enabled: z.boolean(),
  rolloutPercent: z.number().int().min(0).max(100).default(100),
});

export const FeatureFlag = z
  .object({ key: z.string(), enabled: z.boolean(), rolloutPercent: z.number().int() })
  .meta({ id: 'FeatureFlag' });

export const AdminFeatureFlag = FeatureFlag.extend({ updatedAt: z.iso.datetime() }).meta({ id: 'AdminFeatureFlag' });

export const FlagDefaultParams = z.object({ key: FeatureKey });

export const SetFlagDefaultBody = z.object({
  enabled: z.boolean(),
  rolloutPercent: z.number().int().min(0).max(100),
});

export const FeatureFlagDefault = z
  .object({
    key: z.string(),
    enabled: z.boolean(),
    rolloutPercent: z.number().int().describe('Share of clinics, by a stable hash of flag key and clinic id'),
    updatedAt: z.iso.datetime().nullable().describe("null while the code's default applies"),
  })
  .meta({ id: 'FeatureFlagDefault' });

export function toFeatureFlagDefault(flag: FlagDefault): z.infer<typeof FeatureFlagDefault> {
  return {
    key: flag.key,
    enabled: flag.enabled,
    rolloutPercent: flag.rolloutPercent,
    updatedAt: flag.updatedAt?.toISOString() ?? null,
  };
}

export function toFeatureFlag(row: FeatureFlagRow): z.infer<typeof FeatureFlag> {
  return { key: row.feature_key, enabled: row.enabled, rolloutPercent: row.rollout_percent };
}

export function toAdminFeatureFlag(row: FeatureFlagRow): z.infer<typeof AdminFeatureFlag> {
  return { ...toFeatureFlag(row), updatedAt: row.updated_at.toISOString() };
}
