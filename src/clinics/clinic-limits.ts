import type { Tx } from '../db/tenant-transaction.ts';

/** A clinic's limits: its tier's defaults with any per-clinic overrides on top. NULL means unlimited. */
export interface ClinicLimits {
  tier: string;
  maxUsers: number | null;
  monthlyAnalyses: number | null;
  storageBytes: number | null;
  apiRequestsPerMinute: number;
}

const override = (column: string) =>
  `CASE WHEN c.quota_overrides ? '${column}' THEN (c.quota_overrides->>'${column}')::bigint ELSE t.${column} END`;

interface LimitsRow {
  tier: string;
  max_users: string | null;
  monthly_analyses: string | null;
  storage_bytes: string | null;
  api_requests_per_minute: string;
}

export async function findClinicLimits(tx: Tx, clinicId: string, { forUpdate = false } = {}): Promise<ClinicLimits | undefined> {
  // FOR UPDATE (of the clinic row) serialises concurrent writers that check a limit and then add to it.
  const { rows } = await tx.query<LimitsRow>(
    `SELECT c.tier, ${override('max_users')} AS max_users, ${override('monthly_analyses')} AS monthly_analyses,
            ${override('storage_bytes')} AS storage_bytes, ${override('api_requests_per_minute')} AS api_requests_per_minute
     FROM clinics c JOIN subscription_tiers t ON t.key = c.tier
     WHERE c.id = $1 ${forUpdate ? 'FOR UPDATE OF c' : ''}`,
    [clinicId],
  );
  return rows[0] && toLimits(rows[0]);
}

/** Every plan's own limits, in plan order: what a clinic gets where it has no override. */
export async function listTierLimits(tx: Tx): Promise<ClinicLimits[]> {
  const { rows } = await tx.query<LimitsRow>(
    'SELECT key AS tier, max_users, monthly_analyses, storage_bytes, api_requests_per_minute FROM subscription_tiers ORDER BY sort_order',
  );
  return rows.map(toLimits);
}

function toLimits(row: LimitsRow): ClinicLimits {
  const num = (v: string | null) => (v === null ? null : Number(v));
  return {
    tier: row.tier,
    maxUsers: num(row.max_users),
    monthlyAnalyses: num(row.monthly_analyses),
    storageBytes: num(row.storage_bytes),
    apiRequestsPerMinute: Number(row.api_requests_per_minute),
  };
}
