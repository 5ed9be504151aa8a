import type { Tx } from '../db/tenant-transaction.ts';
import type { Cursor } from '../http/pagination.ts';
import type { AnalysisStatus } from './analysis-vocabulary.ts';
import type { ItaBand, SkinTone } from './engine/local/colour.ts';

export interface AnalysisRow {
  id: string;
  clinic_id: string;
  customer_id: string;
  requested_by_user_id: string;
  provider: 'local' | 'openai';
  status: AnalysisStatus;
  progress: number;
  photo_sha256: string;
  photo_format: string;
  stored_bytes: string;
  width: number;
  height: number;
  working_width: number;
  working_height: number;
  quality: unknown;
  result: unknown;
  heatmap_concerns: string[];
  overall_score: number | null;
  failure_code: string | null;
  failure_reason: string | null;
  skin_tone_ita: number | null;
  skin_tone_band: ItaBand | null;
  quota_month: string;
  counts_toward_quota: boolean;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  images_deleted_at: Date | null;
}

export async function activeConsent(
  tx: Tx,
  clinicId: string,
  customerId: string,
): Promise<{ id: string; text_version: string; granted_at: Date } | undefined> {
  const { rows } = await tx.query<{ id: string; text_version: string; granted_at: Date }>(
    `SELECT id, text_version, granted_at FROM analysis_consents
     WHERE clinic_id = $1 AND customer_id = $2 AND withdrawn_at IS NULL ORDER BY granted_at DESC LIMIT 1`,
    [clinicId, customerId],
  );
  return rows[0];
}

export async function insertConsent(
  tx: Tx,
  c: { clinicId: string; customerId: string; textVersion: string; locale: string; recordedBy: string; ip: string | null },
): Promise<{ id: string; granted_at: Date }> {
  const { rows } = await tx.query<{ id: string; granted_at: Date }>(
    `INSERT INTO analysis_consents (clinic_id, customer_id, text_version, locale, recorded_by_user_id, ip)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, granted_at`,
    [c.clinicId, c.customerId, c.textVersion, c.locale, c.recordedBy, c.ip],
  );
  return rows[0]!;
}

export async function withdrawConsents(tx: Tx, clinicId: string, customerId: string): Promise<number> {
  const { rowCount } = await tx.query(
    'UPDATE analysis_consents SET withdrawn_at = now() WHERE clinic_id = $1 AND customer_id = $2 AND withdrawn_at IS NULL',
    [clinicId, customerId],
  );
  return rowCount ?? 0;
}

export async function analysesUsed(tx: Tx, clinicId: string, month: string): Promise<number> {
  const { rows } = await tx.query<{ analyses_used: number }>(
    'SELECT analyses_used FROM clinic_analysis_usage WHERE clinic_id = $1 AND month = $2',
    [clinicId, month],
  );
  return rows[0]?.analyses_used ?? 0;
}

/** Takes one unit of the month's quota if one is left; false when none is. A null limit is unlimited. */
export async function takeAnalysisUnit(tx: Tx, clinicId: string, month: string, limit: number | null): Promise<boolean> {
  // The row lock taken by the upsert serialises concurrent requests, and the WHERE sees the
  // committed count: exactly `limit` units can ever be taken.
  const { rowCount } = await tx.query(
    `INSERT INTO clinic_analysis_usage AS u (clinic_id, month, analyses_used) SELECT $1, $2, 1 WHERE coalesce($3::int, 1) >= 1
     ON CONFLICT (clinic_id, month) DO UPDATE SET analyses_used = u.analyses_used + 1
     WHERE $3::int IS NULL OR u.analyses_used < $3::int`,
    [clinicId, month, limit],
  );
  return rowCount === 1;
}

export async function giveBackAnalysisUnit(tx: Tx, clinicId: string, month: string): Promise<void> {
  await tx.query(
    'UPDATE clinic_analysis_usage SET analyses_used = analyses_used - 1 WHERE clinic_id = $1 AND month = $2 AND analyses_used > 0',
    [clinicId, month],
  );
}

export async function storageUsed(tx: Tx, clinicId: string): Promise<number> {
  const { rows } = await tx.query<{ bytes_used: string }>('SELECT bytes_used FROM clinic_storage_usage WHERE clinic_id = $1', [
    clinicId,
  ]);
  return Number(rows[0]?.bytes_used ?? 0);
}

/** Adds bytes to the clinic's storage use if they fit its quota (null: unlimited); false when they do not. */
export async function addStorageBytes(tx: Tx, clinicId: string, bytes: number, limit: number | null): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO clinic_storage_usage AS s (clinic_id, bytes_used) SELECT $1, $2 WHERE $3::bigint IS NULL OR $2 <= $3::bigint
     ON CONFLICT (clinic_id) DO UPDATE SET bytes_used = s.bytes_used + $2
     WHERE $3::bigint IS NULL OR s.bytes_used + $2 <= $3::bigint`,
    [clinicId, bytes, limit],
  );
  return rowCount === 1;
}

/** Takes the bytes of deleted objects off the clinic's storage use (never below zero). */
export async function releaseStorageBytes(tx: Tx, clinicId: string, bytes: number): Promise<void> {
  await tx.query('UPDATE clinic_storage_usage SET bytes_used = greatest(bytes_used - $2, 0) WHERE clinic_id = $1', [
    clinicId,
    bytes,
  ]);
}

/**
 * Serialises, per clinic and photo, an upload's transaction with the removal of that photo's objects:
 * a removal that sees no analysis of the photo then cannot race an upload committing one.
 */
export async function lockPhoto(tx: Tx, clinicId: string, sha256: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`photo:${clinicId}:${sha256}`]);
}

/** Whether the clinic already keeps this exact photo (content-addressed: its objects are reused). */
export async function photoAlreadyStored(tx: Tx, clinicId: string, sha256: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    'SELECT 1 FROM skin_analyses WHERE clinic_id = $1 AND photo_sha256 = $2 AND images_deleted_at IS NULL LIMIT 1',
    [clinicId, sha256],
  );
  return (rowCount ?? 0) > 0;
}

/** How many of the clinic's analyses wait in the queue: the job's priority, for round-robin between clinics. */
export async function queuedAnalyses(tx: Tx, clinicId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM skin_analyses WHERE clinic_id = $1 AND status = 'queued'`,
    [clinicId],
  );
  return rows[0]!.n;
}

export interface NewAnalysis {
  clinicId: string;
  customerId: string;
  requestedBy: string;
  provider: 'local' | 'openai';
  sha256: string;
  format: string;
  storedBytes: number;
  width: number;
  height: number;
  workingWidth: number;
  workingHeight: number;
  quotaMonth: string;
}

export async function insertAnalysis(tx: Tx, a: NewAnalysis): Promise<AnalysisRow> {
  const { rows } = await tx.query<AnalysisRow>(
    `INSERT INTO skin_analyses (clinic_id, customer_id, requested_by_user_id, provider, photo_sha256, photo_format, stored_bytes,
       width, height, working_width, working_height, quota_month)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
    [
      a.clinicId,
      a.customerId,
      a.requestedBy,
      a.provider,
      a.sha256,
      a.format,
      a.storedBytes,
      a.width,
      a.height,
      a.workingWidth,
      a.workingHeight,
      a.quotaMonth,
    ],
  );
  return rows[0]!;
}

export async function findAnalysis(tx: Tx, clinicId: string, id: string, customerId?: string): Promise<AnalysisRow | undefined> {
  const { rows } = await tx.query<AnalysisRow>(
    'SELECT * FROM skin_analyses WHERE clinic_id = $1 AND id = $2 AND ($3::uuid IS NULL OR customer_id = $3)',
    [clinicId, id, customerId ?? null],
  );
  return rows[0];
}

export type ListedAnalysisRow = AnalysisRow & { customer_name: string };

/** A page of analyses with each customer's name, joined here so a list never looks names up row by row. */
export async function listAnalyses(
  tx: Tx,
  clinicId: string,
  f: { customerId?: string | undefined; after: Cursor | null; limit: number },
): Promise<ListedAnalysisRow[]> {
  const { rows } = await tx.query<ListedAnalysisRow>(
    `SELECT a.*, c.full_name AS customer_name FROM skin_analyses a
     JOIN customers c ON c.clinic_id = a.clinic_id AND c.id = a.customer_id
     WHERE a.clinic_id = $1 AND ($2::uuid IS NULL OR a.customer_id = $2)
       AND ($3::uuid IS NULL OR (a.created_at, a.id) < ((SELECT created_at FROM skin_analyses WHERE clinic_id = $1 AND id = $3), $3::uuid))
     ORDER BY a.created_at DESC, a.id DESC LIMIT $4`,
    [clinicId, f.customerId ?? null, f.after?.id ?? null, f.limit + 1],
  );
  return rows;
}

/** Completed analyses of one customer, oldest first: the series behind trends. */
export async function completedAnalysesOf(tx: Tx, clinicId: string, customerId: string, limit: number): Promise<AnalysisRow[]> {
  const { rows } = await tx.query<AnalysisRow>(
    `SELECT * FROM (SELECT * FROM skin_analyses WHERE clinic_id = $1 AND customer_id = $2 AND status = 'completed'
       ORDER BY created_at DESC LIMIT $3) recent ORDER BY created_at`,
    [clinicId, customerId, limit],
  );
  return rows;
}

export interface ProgressEvent {
  id: string;
  clinicId: string;
  status: AnalysisStatus;
  progress: number;
  /** Set when a run is retried after its worker died: the number of the attempt about to start. */
  attempt?: number;
}

export const PROGRESS_CHANNEL = 'analysis_progress';

/** Moves an analysis on and tells every API node (NOTIFY is delivered when the transaction commits). */
export async function setProgress(
  tx: Tx,
  e: ProgressEvent,
  fields: { startedNow?: boolean; attempt?: boolean } = {},
): Promise<void> {
  await tx.query(
    `UPDATE skin_analyses SET status = $2, progress = $3,
       started_at = CASE WHEN $4 THEN coalesce(started_at, now()) ELSE started_at END,
       attempts = attempts + CASE WHEN $5 THEN 1 ELSE 0 END
     WHERE id = $1`,
    [e.id, e.status, e.progress, fields.startedNow ?? false, fields.attempt ?? false],
  );
  await notifyProgress(tx, e);
}

export async function notifyProgress(tx: Tx, e: ProgressEvent): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [PROGRESS_CHANNEL, JSON.stringify(e)]);
}

export async function finishAnalysis(
  tx: Tx,
  id: string,
  outcome:
    | {
        status: 'completed';
        result: unknown;
        overallScore: number;
        heatmapConcerns: string[];
        heatmapBytes: number;
        quality: unknown;
        skinTone: SkinTone | null;
      }
    | { status: 'rejected'; quality: unknown; skinTone: SkinTone | null }
    | { status: 'failed'; code: string; reason: string },
): Promise<boolean> {
  if (outcome.status === 'completed') {
    // Only an analysis not finished yet: a second run (a hung worker's, after its job expired) must not
    // count the heatmaps' bytes twice.
    const { rowCount } = await tx.query(
      `UPDATE skin_analyses SET status = 'completed', progress = 100, result = $2, overall_score = $3, heatmap_concerns = $4,
         quality = $5, stored_bytes = stored_bytes + $6, skin_tone_ita = $7, skin_tone_band = $8, finished_at = now()
       WHERE id = $1 AND status NOT IN ('completed', 'rejected', 'failed')`,
      [
        id,
        JSON.stringify(outcome.result),
        outcome.overallScore,
        outcome.heatmapConcerns,
        JSON.stringify(outcome.quality),
        outcome.heatmapBytes,
        outcome.skinTone?.ita ?? null,
        outcome.skinTone?.band ?? null,
      ],
    );
    return rowCount === 1;
  } else if (outcome.status === 'rejected') {
    await tx.query(
      `UPDATE skin_analyses SET status = 'rejected', progress = 100, quality = $2, counts_toward_quota = false,
         skin_tone_ita = $3, skin_tone_band = $4, finished_at = now() WHERE id = $1`,
      [id, JSON.stringify(outcome.quality), outcome.skinTone?.ita ?? null, outcome.skinTone?.band ?? null],
    );
  } else {
    await tx.query(
      `UPDATE skin_analyses SET status = 'failed', progress = 100, failure_code = $2, failure_reason = $3, finished_at = now() WHERE id = $1`,
      [id, outcome.code, outcome.reason],
    );
  }
  return true;
}

export async function customerAnalysesUsed(tx: Tx, clinicId: string, customerId: string, month: string): Promise<number> {
  const { rows } = await tx.query<{ analyses_used: number }>(
    'SELECT analyses_used FROM customer_analysis_usage WHERE clinic_id = $1 AND customer_id = $2 AND month = $3',
    [clinicId, customerId, month],
  );
  return rows[0]?.analyses_used ?? 0;
}

/** Takes one unit of the customer's monthly allowance if one is left; false when none is. Exact as takeAnalysisUnit. */
export async function takeCustomerAnalysisUnit(
  tx: Tx,
  clinicId: string,
  customerId: string,
  month: string,
  limit: number,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO customer_analysis_usage AS u (clinic_id, customer_id, month, analyses_used) SELECT $1, $2, $3, 1 WHERE $4::int >= 1
     ON CONFLICT (clinic_id, customer_id, month) DO UPDATE SET analyses_used = u.analyses_used + 1
     WHERE u.analyses_used < $4::int`,
    [clinicId, customerId, month, limit],
  );
  return rowCount === 1;
}

export async function giveBackCustomerAnalysisUnit(tx: Tx, clinicId: string, customerId: string, month: string): Promise<void> {
  await tx.query(
    `UPDATE customer_analysis_usage SET analyses_used = analyses_used - 1
     WHERE clinic_id = $1 AND customer_id = $2 AND month = $3 AND analyses_used > 0`,
    [clinicId, customerId, month],
  );
}

/** The customer's analysis of this exact photo that is running or has a result; failed and rejected ones do not count. */
export async function findAnalysisOfSamePhoto(
  tx: Tx,
  clinicId: string,
  customerId: string,
  sha256: string,
): Promise<AnalysisRow | undefined> {
  const { rows } = await tx.query<AnalysisRow>(
    `SELECT * FROM skin_analyses WHERE clinic_id = $1 AND customer_id = $2 AND photo_sha256 = $3 AND status NOT IN ('failed', 'rejected')
       AND images_deleted_at IS NULL
     ORDER BY created_at DESC LIMIT 1`,
    [clinicId, customerId, sha256],
  );
  return rows[0];
}

/**
 * Gives up the images of analyses (`customerId`'s, or those made before `before`, or both): marks them
 * deleted and returns what storage still holds for them, for the image removal job.
 */
export async function giveUpImages(
  tx: Tx,
  clinicId: string,
  which: { customerId?: string; before?: Date; limit?: number },
): Promise<{ analysisIds: string[]; photoSha256s: string[] }> {
  // Oldest first on skin_analyses_images_kept_idx; only finished analyses (a running one still needs its photo).
  const { rows } = await tx.query<{ id: string; photo_sha256: string }>(
    `UPDATE skin_analyses SET images_deleted_at = now()
     WHERE id IN (
       SELECT id FROM skin_analyses
       WHERE clinic_id = $1 AND images_deleted_at IS NULL AND status IN ('completed', 'rejected', 'failed')
         AND ($2::uuid IS NULL OR customer_id = $2) AND ($3::timestamptz IS NULL OR created_at < $3)
       ORDER BY created_at LIMIT $4
       FOR UPDATE)
     RETURNING id, photo_sha256`,
    [clinicId, which.customerId ?? null, which.before ?? null, which.limit ?? null],
  );
  return storedImagesOf(rows);
}

/** What storage holds for these analyses: heatmaps by analysis, photos by hash (shared photos named once). */
export function storedImagesOf(rows: { id: string; photo_sha256: string }[]): { analysisIds: string[]; photoSha256s: string[] } {
  return { analysisIds: rows.map((r) => r.id), photoSha256s: [...new Set(rows.map((r) => r.photo_sha256))] };
}

/** The clinics that keep photos for a limited time, through the security-definer function of migration 0026. */
export async function clinicsWithPhotoRetention(tx: Tx): Promise<{ clinicId: string; months: number }[]> {
  const { rows } = await tx.query<{ clinic_id: string; months: number }>('SELECT * FROM clinics_with_photo_retention()');
  return rows.map((r) => ({ clinicId: r.clinic_id, months: r.months }));
}
