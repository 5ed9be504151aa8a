import type { AnalysisProvider } from '../config.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Cursor } from '../http/pagination.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import { STAFF_ROLES } from '../users/role-vocabulary.ts';
import type { ClinicStatusKey, TierKey } from './clinic-vocabulary.ts';

export interface ClinicRow {
  id: string;
  slug: string;
  name: string;
  tier: TierKey;
  status: ClinicStatusKey;
  is_active: boolean;
  settings: Record<string, unknown>;
  quota_overrides: Record<string, number | null>;
  /** NULL: the platform default. */
  analysis_provider: AnalysisProvider | null;
  time_zone: string;
  locale: Locale;
  created_at: Date;
  updated_at: Date;
}

export interface ClinicListRow extends Omit<ClinicRow, 'settings' | 'quota_overrides' | 'updated_at'> {
  active_staff_count: number;
  customer_count: number;
}

const CLINIC_COLUMNS =
  'id, slug, name, tier, status, is_active, settings, quota_overrides, analysis_provider, time_zone, locale, created_at, updated_at';

// Staff accounts take a seat of the tier's user limit; customers do not.
const SEAT_HOLDER = (rolesParam: string) => `role = ANY(${rolesParam}::text[]) AND disabled_at IS NULL`;

export interface NewClinic {
  slug: string;
  name: string;
  tier: TierKey;
  status: ClinicStatusKey;
  timeZone: string;
  locale: Locale;
}

export async function insertClinic(tx: Tx, c: NewClinic): Promise<ClinicRow> {
  const { rows } = await tx.query<ClinicRow>(
    `INSERT INTO clinics (slug, name, tier, status, time_zone, locale) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CLINIC_COLUMNS}`,
    [c.slug, c.name, c.tier, c.status, c.timeZone, c.locale],
  );
  return rows[0]!;
}

export async function findClinicById(tx: Tx, id: string, { forUpdate = false } = {}): Promise<ClinicRow | undefined> {
  const { rows } = await tx.query<ClinicRow>(
    `SELECT ${CLINIC_COLUMNS} FROM clinics WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

export interface ClinicFilter {
  status?: ClinicStatusKey | undefined;
  tier?: TierKey | undefined;
  q?: string | undefined;
  cursor: Cursor | null;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * One statement for the page and its counts. The page is cut first (LIMIT inside the CTE), then each
 * count is its own lateral aggregate over one table for one clinic: users and customers are never
 * joined to each other, so neither count multiplies the other (no fan-out), and only the page's
 * clinics are counted, through the (clinic_id, role) and (clinic_id, created_at) indexes.
 * The sort key is created_at cut to milliseconds, the precision a cursor carries, so a page boundary
 * inside one millisecond neither skips nor repeats a clinic.
 */
export async function listClinics(tx: Tx, f: ClinicFilter): Promise<ClinicListRow[]> {
  const { rows } = await tx.query<ClinicListRow>(
    `WITH page AS (
       SELECT id, slug, name, tier, status, is_active, analysis_provider, time_zone, locale, created_at,
              date_trunc('milliseconds', created_at) AS sort_at
       FROM clinics
       WHERE ($1::text IS NULL OR status = $1)
         AND ($2::text IS NULL OR tier = $2)
         AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%' OR slug ILIKE '%' || $3 || '%')
         AND ($4::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) < ($4::timestamptz, $5::uuid))
       ORDER BY sort_at DESC, id DESC
       LIMIT $6
     )
     SELECT p.id, p.slug, p.name, p.tier, p.status, p.is_active, p.analysis_provider, p.time_zone, p.locale, p.created_at,
            staff.n AS active_staff_count, cust.n AS customer_count
     FROM page p
     CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM users u WHERE u.clinic_id = p.id AND u.${SEAT_HOLDER('$7')}) staff
     CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM customers c WHERE c.clinic_id = p.id) cust
     ORDER BY p.sort_at DESC, p.id DESC`,
    [
      f.status ?? null,
      f.tier ?? null,
      f.q ? escapeLike(f.q) : null,
      f.cursor?.at ?? null,
      f.cursor?.id ?? null,
      f.limit,
      STAFF_ROLES,
    ],
  );
  return rows;
}

export async function countSeatHolders(tx: Tx, clinicId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users WHERE clinic_id = $1 AND ${SEAT_HOLDER('$2')}`,
    [clinicId, STAFF_ROLES],
  );
  return rows[0]!.n;
}

export interface PlatformClinicChange {
  name?: string | undefined;
  tier?: TierKey | undefined;
  status?: ClinicStatusKey | undefined;
  quotaOverrides?: Record<string, number | null> | undefined;
  /** undefined leaves it; null puts the clinic back on the platform default. */
  analysisProvider?: AnalysisProvider | null | undefined;
}

/** Plan, status and analysis-provider columns: only the platform role may write them (see the grants in migration 0003). */
export async function updateClinicAsPlatform(tx: Tx, id: string, c: PlatformClinicChange): Promise<ClinicRow | undefined> {
  const { rows } = await tx.query<ClinicRow>(
    `UPDATE clinics SET name = coalesce($2, name), tier = coalesce($3, tier), status = coalesce($4, status),
            quota_overrides = coalesce($5::jsonb, quota_overrides),
            analysis_provider = CASE WHEN $6::boolean THEN $7::text ELSE analysis_provider END, updated_at = now()
     WHERE id = $1 RETURNING ${CLINIC_COLUMNS}`,
    [
      id,
      c.name ?? null,
      c.tier ?? null,
      c.status ?? null,
      c.quotaOverrides ? JSON.stringify(c.quotaOverrides) : null,
      c.analysisProvider !== undefined,
      c.analysisProvider ?? null,
    ],
  );
  return rows[0];
}

export interface ClinicProfileChange {
  name?: string | undefined;
  timeZone?: string | undefined;
  locale?: Locale | undefined;
  /** Merged into the stored settings; a null value removes that key. */
  settings?: Record<string, unknown> | undefined;
}

/** The columns a clinic's own managers may change; the filter by id is the first wall, RLS the second. */
export async function updateClinicProfile(tx: Tx, id: string, c: ClinicProfileChange): Promise<ClinicRow | undefined> {
  const { rows } = await tx.query<ClinicRow>(
    `UPDATE clinics SET name = coalesce($2, name), time_zone = coalesce($3, time_zone), locale = coalesce($4, locale),
            settings = CASE WHEN $5::jsonb IS NULL THEN settings ELSE jsonb_strip_nulls(settings || $5::jsonb) END,
            updated_at = now()
     WHERE id = $1 RETURNING ${CLINIC_COLUMNS}`,
    [id, c.name ?? null, c.timeZone ?? null, c.locale ?? null, c.settings ? JSON.stringify(c.settings) : null],
  );
  return rows[0];
}
