import type { Tx } from '../db/tenant-transaction.ts';

export interface FeatureFlagRow {
  clinic_id: string;
  feature_key: string;
  enabled: boolean;
  rollout_percent: number;
  updated_at: Date;
}

const FLAG_COLUMNS = 'clinic_id, feature_key, enabled, rollout_percent, updated_at';

// Every query filters by clinic_id (the first wall) and is served by feature_flags(clinic_id, feature_key).

export async function listFlags(tx: Tx, clinicId: string): Promise<FeatureFlagRow[]> {
  const { rows } = await tx.query<FeatureFlagRow>(
    `SELECT ${FLAG_COLUMNS} FROM feature_flags WHERE clinic_id = $1 ORDER BY feature_key`,
    [clinicId],
  );
  return rows;
}

export async function findFlag(tx: Tx, clinicId: string, key: string): Promise<FeatureFlagRow | undefined> {
  const { rows } = await tx.query<FeatureFlagRow>(
    `SELECT ${FLAG_COLUMNS} FROM feature_flags WHERE clinic_id = $1 AND feature_key = $2`,
    [clinicId, key],
  );
  return rows[0];
}

export async function upsertFlag(
  tx: Tx,
  f: { clinicId: string; key: string; enabled: boolean; rolloutPercent: number },
): Promise<FeatureFlagRow> {
  const { rows } = await tx.query<FeatureFlagRow>(
    `INSERT INTO feature_flags (clinic_id, feature_key, enabled, rollout_percent) VALUES ($1, $2, $3, $4)
     ON CONFLICT ON CONSTRAINT feature_flags_clinic_id_feature_key_key
     DO UPDATE SET enabled = EXCLUDED.enabled, rollout_percent = EXCLUDED.rollout_percent, updated_at = now()
     RETURNING ${FLAG_COLUMNS}`,
    [f.clinicId, f.key, f.enabled, f.rolloutPercent],
  );
  return rows[0]!;
}

export async function deleteFlag(tx: Tx, clinicId: string, key: string): Promise<FeatureFlagRow | undefined> {
  const { rows } = await tx.query<FeatureFlagRow>(
    `DELETE FROM feature_flags WHERE clinic_id = $1 AND feature_key = $2 RETURNING ${FLAG_COLUMNS}`,
    [clinicId, key],
  );
  return rows[0];
}

/** An absent clinic is a 404, not an empty list: the platform path sees every clinic. */
export async function clinicExists(tx: Tx, clinicId: string): Promise<boolean> {
  const { rows } = await tx.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM clinics WHERE id = $1) AS exists', [
    clinicId,
  ]);
  return rows[0]!.exists;
}

export interface FlagDefaultRow {
  feature_key: string;
  enabled: boolean;
  rollout_percent: number;
  updated_at: Date;
}

const DEFAULT_COLUMNS = 'feature_key, enabled, rollout_percent, updated_at';

/** Platform-wide: few rows, read whole into each node's flag cache. */
export async function listFlagDefaults(tx: Tx): Promise<FlagDefaultRow[]> {
  const { rows } = await tx.query<FlagDefaultRow>(`SELECT ${DEFAULT_COLUMNS} FROM feature_flag_defaults ORDER BY feature_key`);
  return rows;
}

export async function findFlagDefault(tx: Tx, key: string): Promise<FlagDefaultRow | undefined> {
  const { rows } = await tx.query<FlagDefaultRow>(`SELECT ${DEFAULT_COLUMNS} FROM feature_flag_defaults WHERE feature_key = $1`, [
    key,
  ]);
  return rows[0];
}

export async function upsertFlagDefault(
  tx: Tx,
  f: { key: string; enabled: boolean; rolloutPercent: number },
): Promise<FlagDefaultRow> {
  const { rows } = await tx.query<FlagDefaultRow>(
    `INSERT INTO feature_flag_defaults (feature_key, enabled, rollout_percent) VALUES ($1, $2, $3)
     ON CONFLICT (feature_key)
     DO UPDATE SET enabled = EXCLUDED.enabled, rollout_percent = EXCLUDED.rollout_percent, updated_at = now()
     RETURNING ${DEFAULT_COLUMNS}`,
    [f.key, f.enabled, f.rolloutPercent],
  );
  return rows[0]!;
}
