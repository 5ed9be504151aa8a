import { createHash } from 'node:crypto';
import type { FeatureFlagRow } from './flag-repo.ts';

/**
 * Where a subject falls in a flag's rollout, 0..99: a hash of the flag key and the subject, so the same
 * user always gets the same answer, and each flag picks its own, independent share of users.
 */
export function rolloutBucket(key: string, subjectId: string): number {
  return createHash('sha256').update(`${key}\u0000${subjectId}`).digest().readUInt32BE(0) % 100;
}

export function isInRollout(
  flag: Pick<FeatureFlagRow, 'feature_key' | 'enabled' | 'rollout_percent'>,
  subjectId: string,
): boolean {
  return flag.enabled && rolloutBucket(flag.feature_key, subjectId) < flag.rollout_percent;
}
