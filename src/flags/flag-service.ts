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
import { isInRollout } from './rollout.ts';
import {
  clinicExists,
  deleteFlag,
  findFlag,
  findFlagDefault,
  listFlagDefaults,
  listFlags,
  upsertFlag,
  upsertFlagDefault,
  type FeatureFlagRow,
} from './flag-repo.ts';
import type { FlagLookup } from './flag-lookup.ts';
import { CLINIC_FEATURES } from './clinic-features.ts';

export interface FlagSetting {
  enabled: boolean;
  rolloutPercent: number;
}

/** A flag's platform-wide state as the admin API shows it: set by a super admin, or the code's default. */
export interface FlagDefault extends FlagSetting {
  key: string;
  updatedAt: Date | null;
}

export function createFlagService(pool: pg.Pool, lookup: Pick<FlagLookup, 'clinicChanged' | 'defaultsChanged'>) {
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
  const settingOf = (row: Pick<FeatureFlagRow, 'enabled' | 'rollout_percent'> | undefined) =>
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
      const after = await platform(actor, async (tx) => {
        await assertClinic(tx, clinicId);
        const before = await findFlag(tx, clinicId, key);
        const row = await upsertFlag(tx, { clinicId, key, ...setting });
        await audit(tx, actor, clinicId, 'feature_flag.set', meta, { key, from: settingOf(before), to: settingOf(row) });
        return row;
      });
      await lookup.clinicChanged(clinicId);
      return after;
    },

    async deleteFlag(actor: PlatformActor, clinicId: string, key: string, meta: RequestMeta): Promise<void> {
      await platform(actor, async (tx) => {
        const removed = await deleteFlag(tx, clinicId, key);
        if (!removed) throw notFound('feature flag');
        await audit(tx, actor, clinicId, 'feature_flag.delete', meta, { key, from: settingOf(removed) });
      });
      await lookup.clinicChanged(clinicId);
    },

    /** Every flag the code reads or an admin has set, with its platform-wide state. */
    async listDefaults(actor: PlatformActor): Promise<FlagDefault[]> {
      const rows = await platform(actor, (tx) => listFlagDefaults(tx));
      const set = new Map(rows.map((row) => [row.feature_key, row]));
      const keys = [...new Set([...Object.keys(CLINIC_FEATURES), ...set.keys()])].sort();
      return keys.map((key) => {
        const row = set.get(key);
        if (row) return { key, enabled: row.enabled, rolloutPercent: row.rollout_percent, updatedAt: row.updated_at };
        return { key, ...(CLINIC_FEATURES as Record<string, FlagSetting>)[key]!, updatedAt: null };
      });
    },

    /** A flag's state for every clinic without a row of its own: on or off, and for what share of clinics. */
    async setDefault(actor: PlatformActor, key: string, setting: FlagSetting, meta: RequestMeta): Promise<FlagDefault> {
      const row = await platform(actor, async (tx) => {
        const before = await findFlagDefault(tx, key);
        const after = await upsertFlagDefault(tx, { key, ...setting });
        await recordAuditBy(
          tx,
          actor,
          {
            clinicId: null,
            action: 'feature_flag.set_default',
            targetType: 'feature_flag',
            targetId: key,
            metadata: { key, from: settingOf(before), to: settingOf(after) },
          },
          meta,
        );
        return after;
      });
      await lookup.defaultsChanged();
      return { key, enabled: row.enabled, rolloutPercent: row.rollout_percent, updatedAt: row.updated_at };
    },
  };
}

export type FlagService = ReturnType<typeof createFlagService>;
