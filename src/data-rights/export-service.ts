import { once } from 'node:events';
import { posix } from 'node:path';
import { ZipArchive } from 'archiver';
import type pg from 'pg';
import { heatmapKey } from '../analysis/heatmap-key.ts';
import type { AnalysisRow } from '../analysis/analysis-repo.ts';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { isCustomer, ownCustomer } from '../customers/customer-access.ts';
import { findCustomer, type CustomerRow } from '../customers/customer-repo.ts';
import { clinicOf, withTenant, type Actor } from '../db/tenant-transaction.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import type { ObjectStorage } from '../storage/object-storage.ts';
import { photoKeys } from '../uploads/photo-pipeline.ts';
import { analysesOf, appointmentsOf, consentsOf, notificationsOf } from './export-repo.ts';

export interface DataExportDeps {
  pool: pg.Pool;
  storage: ObjectStorage;
}

/** An image of an analysis: where storage keeps it and where the archive puts it. */
interface ExportedImage {
  key: string;
  file: string;
}

type Snapshot = Awaited<ReturnType<typeof readSnapshot>>;

/** Everything held about one customer, read in one read-only transaction so the parts agree with each other. */
async function readSnapshot(pool: pg.Pool, actor: Actor, customerId: string | 'me') {
  const clinicId = clinicOf(actor);
  return withTenant(
    pool,
    actor,
    async (tx) => {
      const customer: CustomerRow | undefined =
        customerId === 'me' ? await ownCustomer(tx, actor, clinicId) : await findCustomer(tx, clinicId, customerId);
      if (!customer) throw notFound('customer');
      return {
        customer,
        appointments: await appointmentsOf(tx, clinicId, customer.id),
        consents: await consentsOf(tx, clinicId, customer.id),
        analyses: await analysesOf(tx, clinicId, customer.id),
        notifications: await notificationsOf(tx, clinicId, customer.id, customer.user_id),
      };
    },
    { readOnly: true },
  );
}

/** The working copy, both thumbnails and every heatmap of an analysis. */
function imagesOf(row: AnalysisRow): ExportedImage[] {
  const keys = photoKeys(row.clinic_id, row.photo_sha256, row.photo_format);
  const stored = [
    keys.working,
    keys.thumbSmall,
    keys.thumbMedium,
    ...row.heatmap_concerns.map((c) => heatmapKey(row.clinic_id, row.id, c)),
  ];
  return stored.map((key) => ({ key, file: `analyses/${row.id}/${posix.basename(key)}` }));
}

/** The customer's data as data.json tells it: each image listed with whether its file is in the archive. */
function dataJson(snapshot: Snapshot, missing: ReadonlySet<string>, exportedAt: Date) {
  const c = snapshot.customer;
  return {
    exportedAt: exportedAt.toISOString(),
    profile: {
      id: c.id,
      fullName: c.full_name,
      email: c.email,
      phone: c.phone,
      dateOfBirth: c.date_of_birth,
      notes: c.notes,
      createdAt: c.created_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
    },
    appointments: snapshot.appointments.map((a) => ({
      id: a.id,
      startsAt: a.starts_at.toISOString(),
      endsAt: a.ends_at.toISOString(),
      status: a.status,
      treatment: { en: a.treatment_name_en, th: a.treatment_name_th, zh: a.treatment_name_zh },
      staffName: a.staff_name,
      roomName: a.room_name,
      priceSatang: Number(a.price_satang),
      notes: a.notes,
      cancellationFeeSatang: a.cancellation_fee_satang === null ? null : Number(a.cancellation_fee_satang),
      cancellationReason: a.cancellation_reason,
      cancelledAt: a.cancelled_at?.toISOString() ?? null,
      createdAt: a.created_at.toISOString(),
    })),
    consents: snapshot.consents.map((k) => ({
      id: k.id,
      textVersion: k.text_version,
      locale: k.locale,
      grantedAt: k.granted_at.toISOString(),
      withdrawnAt: k.withdrawn_at?.toISOString() ?? null,
    })),
    analyses: snapshot.analyses.map((a) => ({
      id: a.id,
      status: a.status,
      provider: a.provider,
      createdAt: a.created_at.toISOString(),
      finishedAt: a.finished_at?.toISOString() ?? null,
      overallScore: a.overall_score,
      result: a.result,
      quality: a.quality,
      skinTone: a.skin_tone_ita === null ? null : { ita: a.skin_tone_ita, band: a.skin_tone_band },
      failureCode: a.failure_code,
      failureReason: a.failure_reason,
      imagesDeletedAt: a.images_deleted_at?.toISOString() ?? null,
      images: imagesOf(a).map(({ file }) => ({ file, deleted: missing.has(file) })),
    })),
    notifications: snapshot.notifications.map((n) => ({
      id: n.id,
      channel: n.channel,
      kind: n.kind,
      title: n.title,
      body: n.body,
      status: n.status,
      sentAt: n.sent_at?.toISOString() ?? null,
      readAt: n.read_at?.toISOString() ?? null,
      createdAt: n.created_at.toISOString(),
    })),
  };
}

const isAbsent = (error: unknown) => error instanceof AppError && error.code === 'not-found';

/** A customer's right of access: everything the clinic holds about them, as JSON and image files in one ZIP. */
export function createDataExportService({ pool, storage }: DataExportDeps) {
  /**
   * Adds the images one at a time, each opened only once the one before is written (so a slow download
   * holds one storage read, not all of them), then data.json, which can then say which files were gone.
   */
  async function fill(archive: ZipArchive, snapshot: Snapshot, exportedAt: Date): Promise<void> {
    const gone = new AbortController();
    archive.once('close', () => gone.abort());
    const missing = new Set<string>();
    for (const analysis of snapshot.analyses) {
      for (const image of imagesOf(analysis)) {
        // Deleted with the consent or by the clinic's retention period: listed, not looked for.
        if (analysis.images_deleted_at) {
          missing.add(image.file);
          continue;
        }
        const object = await storage.get(image.key).catch((error: unknown) => {
          if (isAbsent(error)) return undefined;
          throw error;
        });
        if (!object) {
          missing.add(image.file);
          continue;
        }
        const written = once(archive, 'entry', { signal: gone.signal });
        archive.append(object.body, { name: image.file, date: analysis.created_at });
        // A download the client gave up leaves the stored object's stream open (a file or an S3 socket) unless closed here.
        await written.catch((error: unknown) => {
          object.body.destroy();
          throw error;
        });
      }
    }
    const json = JSON.stringify(dataJson(snapshot, missing, exportedAt), null, 2);
    archive.append(json, { name: 'data.json', date: exportedAt });
    await archive.finalize();
  }

  return {
    /**
     * The customer's archive, streamed: the rows are read and the export audited before the first byte,
     * so no connection is held while storage is read. `customerId` 'me' is the signed-in customer's own record.
     */
    async export(actor: Actor, customerId: string | 'me', meta: RequestMeta) {
      const snapshot = await readSnapshot(pool, actor, customerId);
      const clinicId = clinicOf(actor);
      await withTenant(pool, actor, (tx) =>
        recordAuditBy(
          tx,
          actor,
          {
            clinicId,
            action: 'customer.export',
            targetType: 'customer',
            targetId: snapshot.customer.id,
            metadata: { byCustomer: isCustomer(actor) },
          },
          meta,
        ),
      );
      const exportedAt = new Date();
      const archive = new ZipArchive({ zlib: { level: 6 } });
      // A storage failure mid-way ends the download with an error rather than a ZIP missing files silently.
      fill(archive, snapshot, exportedAt).catch((error: unknown) => {
        if (!archive.destroyed) archive.destroy(error as Error);
      });
      const day = exportedAt.toISOString().slice(0, 10);
      return { filename: `customer-${snapshot.customer.id}-${day}.zip`, archive };
    },
  };
}

export type DataExportService = ReturnType<typeof createDataExportService>;
