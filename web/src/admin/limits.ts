import type { ClinicDetail, QuotaOverrideSet } from './admin-types.ts';

export type LimitKey = keyof QuotaOverrideSet;
type EffectiveKey = Exclude<keyof ClinicDetail['limits'], 'tier'>;

export interface LimitDefinition {
  /** The override's key, as the API stores it. */
  key: LimitKey;
  /** The same limit among the clinic's effective limits. */
  effective: EffectiveKey;
  /** Whether null (no limit at all) is allowed: the request rate always needs a number. */
  canBeUnlimited: boolean;
  /** Storage is typed in GiB, the unit the plans are sold in; the API counts bytes. */
  unit: 'count' | 'gib';
}

export const LIMITS: LimitDefinition[] = [
  { key: 'max_users', effective: 'maxUsers', canBeUnlimited: true, unit: 'count' },
  { key: 'monthly_analyses', effective: 'monthlyAnalyses', canBeUnlimited: true, unit: 'count' },
  { key: 'storage_bytes', effective: 'storageBytes', canBeUnlimited: true, unit: 'gib' },
  { key: 'api_requests_per_minute', effective: 'apiRequestsPerMinute', canBeUnlimited: false, unit: 'count' },
];

const GIB = 1024 ** 3;

/** What the operator has typed for one limit: nothing (the tier's default), a number, or no limit. */
export interface OverrideDraft {
  unlimited: boolean;
  value: string;
}

export function draftOf(limit: LimitDefinition, overrides: ClinicDetail['quotaOverrides']): OverrideDraft {
  if (!(limit.key in overrides)) return { unlimited: false, value: '' };
  const stored = overrides[limit.key];
  if (stored === null || stored === undefined) return { unlimited: true, value: '' };
  return { unlimited: false, value: String(limit.unit === 'gib' ? stored / GIB : stored) };
}

/** The overrides to send: a limit left empty is left out, so it follows the tier. */
export function overridesOf(drafts: Record<LimitKey, OverrideDraft>): QuotaOverrideSet {
  const overrides: Record<string, number | string | null> = {};
  for (const limit of LIMITS) {
    const draft = drafts[limit.key];
    if (draft.unlimited && limit.canBeUnlimited) {
      overrides[limit.key] = null;
    } else if (draft.value.trim() !== '') {
      const typed = Number(draft.value);
      // Not a number: sent as typed, so the API names the field; NaN would travel as null, which means unlimited.
      overrides[limit.key] = Number.isFinite(typed) ? (limit.unit === 'gib' ? Math.round(typed * GIB) : typed) : draft.value;
    }
  }
  return overrides as QuotaOverrideSet;
}

export const gibOf = (bytes: number) => bytes / GIB;
