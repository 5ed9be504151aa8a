import { createHash } from 'node:crypto';
import type pg from 'pg';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import {
  unsafeWithPlatformAccess,
  withTenant,
  type Actor,
  type PlatformActor,
  type TenantScope,
  type Tx,
} from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import { clinicExists, deleteFlag, findFlag, listFlags, upsertFlag, type FeatureFlagRow } from './flag-repo.ts';

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

export interface FlagSetting {
  enabled: boolean;
  rolloutPercent: number;
}

export function createFlagService(pool: pg.Pool) {
  const platform = <T>(actor: PlatformActor, work: (tx: Tx) => Promise<T>) =>
    unsafeWithPlatformAccess(pool, { clinicId: null, userId: actor.userId, role: actor.role }, work);
  const audit = (
    tx: Tx,
    actor: PlatformActor,
    clinicId: string,
    action: string,
    meta: RequestMeta,
    metadata: Record<string, unknown>,
  ) => recordAuditBy(tx, actor, { clinicId, action, targetType: 'clinic', targetId: clinicId, metadata }, meta);
  const settingOf = (row: FeatureFlagRow | undefined) =>
    row ? { enabled: row.enabled, rolloutPercent: row.rollout_percent } : null;
  const assertClinic = async (tx: Tx, clinicId: string) => {
    if (!(await clinicExists(tx, clinicId))) throw notFound('clinic');
  };

  return {
    /** The member's own clinic's flags; the clinic comes from the actor, never from the caller. */
    async ownClinicFlags(actor: Actor): Promise<FeatureFlagRow[]> {
      const clinicId = actor.clinicId;
      if (!clinicId) return [];
      return withTenant(pool, actor, (tx) => listFlags(tx, clinicId), { readOnly: true });
    },

    /** Whether `key` is on for `subjectId` (a user, a customer) in the scope's clinic; an unknown flag is off. */
    async isEnabled(scope: TenantScope, key: string, subjectId: string): Promise<boolean> {
      const clinicId = scope.clinicId;
      if (!clinicId) return false;
      const flag = await withTenant(pool, scope, (tx) => findFlag(tx, clinicId, key), { readOnly: true });
      return flag !== undefined && isInRollout(flag, subjectId);
    },

    async listClinicFlags(actor: PlatformActor, clinicId: string, meta: RequestMeta): Promise<FeatureFlagRow[]> {
      return platform(actor, async (tx) => {
        await assertClinic(tx, clinicId);
        const flags = await listFlags(tx, clinicId);
        await audit(tx, actor, clinicId, 'feature_flag.list', meta, { count: flags.length });
        return flags;
      });
    },

    async setFlag(
      actor: PlatformActor,
      clinicId: string,
      key: string,
      setting: FlagSetting,
      meta: RequestMeta,
    ): Promise<FeatureFlagRow> {
      return platform(actor, async (tx) => {
        await assertClinic(tx, clinicId);
        const before = await findFlag(tx, clinicId, key);
        const after = await upsertFlag(tx, { clinicId, key, ...setting });
        await audit(tx, actor, clinicId, 'feature_flag.set', meta, { key, from: settingOf(before), to: settingOf(after) });
        return after;
      });
    },

    async deleteFlag(actor: PlatformActor, clinicId: string, key: string, meta: RequestMeta): Promise<void> {
      await platform(actor, async (tx) => {
        const removed = await deleteFlag(tx, clinicId, key);
        if (!removed) throw notFound('feature flag');
        await audit(tx, actor, clinicId, 'feature_flag.delete', meta, { key, from: settingOf(removed) });
      });
    },
  };
}

export type FlagService = ReturnType<typeof createFlagService>;
