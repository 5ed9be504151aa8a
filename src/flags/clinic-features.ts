import { rolloutBucket } from './rollout.ts';

export interface FlagState {
  enabled: boolean;
  rolloutPercent: number;
}

/**
 * Clinic-wide features the code reads, each with its state until a super admin sets one. New request-path
 * and cache work ships on by default; the flag is how an operator turns it off for one clinic or for all
 * without a deploy.
 */
export const CLINIC_FEATURES = {
  'response-cache': { enabled: true, rolloutPercent: 100 },
} as const satisfies Record<string, FlagState>;

export type ClinicFeature = keyof typeof CLINIC_FEATURES;

/**
 * A clinic's own flag row wins (on or off for the whole clinic; its rollout percent shares the clinic's
 * users among themselves for per-user features). Otherwise the platform-wide state applies, and the
 * clinic's place in its rollout is a stable hash of flag key and clinic id: the same clinics are in at
 * 30% every time, and raising the share only adds clinics.
 */
export function clinicHasFeature(
  feature: string,
  clinicId: string,
  override: { enabled: boolean } | undefined,
  platform: { enabled: boolean; rollout_percent: number } | undefined,
): boolean {
  if (override) return override.enabled;
  const state = platform
    ? { enabled: platform.enabled, rolloutPercent: platform.rollout_percent }
    : (CLINIC_FEATURES as Record<string, FlagState>)[feature];
  if (!state) return false;
  return state.enabled && rolloutBucket(feature, clinicId) < state.rolloutPercent;
}
