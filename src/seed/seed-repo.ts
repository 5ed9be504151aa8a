import type { FeeTier } from '../appointments/cancellation-fee.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Tier } from './seed-step.ts';

/**
 * Forced row-level security binds even a table's owner: every clinic is written by a superuser, a
 * BYPASSRLS role, or the role the migrations gave an owner policy (0012).
 */
export async function mayWriteEveryClinic(tx: Tx): Promise<boolean> {
  const { rows } = await tx.query<{ allowed: boolean }>(
    `SELECT rolsuper OR rolbypassrls OR EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND tablename = 'clinics' AND current_user = ANY (roles)) AS allowed
     FROM pg_roles WHERE rolname = current_user`,
  );
  return rows[0]?.allowed ?? false;
}

export async function countExisting(tx: Tx): Promise<{ clinics: number; users: number }> {
  const { rows } = await tx.query<{ clinics: number; users: number }>(
    'SELECT (SELECT count(*) FROM clinics)::int AS clinics, (SELECT count(*) FROM users)::int AS users',
  );
  return rows[0]!;
}

export async function tierUserLimits(tx: Tx): Promise<Map<Tier, number | null>> {
  const { rows } = await tx.query<{ key: Tier; max_users: number | null }>('SELECT key, max_users FROM subscription_tiers');
  return new Map(rows.map((r) => [r.key, r.max_users]));
}

export async function ownerEmailOf(tx: Tx, clinicId: string): Promise<string | null> {
  const { rows } = await tx.query<{ email: string }>(
    `SELECT email FROM users WHERE clinic_id = $1 AND role = 'clinic_owner' LIMIT 1`,
    [clinicId],
  );
  return rows[0]?.email ?? null;
}

export interface SeedBookingRules {
  slotIntervalMinutes: number;
  cancellationFees: FeeTier[];
}

/** The rules row a trigger gave each new clinic: seeded starts follow its slot grid, and fees its policy. */
export async function bookingRulesOf(tx: Tx, clinicIds: string[]): Promise<Map<string, SeedBookingRules>> {
  const { rows } = await tx.query<{ clinic_id: string; slot_interval_minutes: number; cancellation_fees: FeeTier[] }>(
    'SELECT clinic_id, slot_interval_minutes, cancellation_fees FROM booking_rules WHERE clinic_id = ANY($1::uuid[])',
    [clinicIds],
  );
  return new Map(
    rows.map((r) => [r.clinic_id, { slotIntervalMinutes: r.slot_interval_minutes, cancellationFees: r.cancellation_fees }]),
  );
}

/** Fresh planner statistics for the tables a seed filled, so the first queries after it are planned for their real size. */
export async function analyzeTables(tx: Tx, tables: string[]): Promise<void> {
  await tx.query(`ANALYZE ${tables.join(', ')}`);
}
