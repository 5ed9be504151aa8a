import type pg from 'pg';
import { DateTime } from 'luxon';
import { ANONYMOUS, withTenant, type TenantScope, type Tx } from '../db/tenant-transaction.ts';
import type { ObjectStorage } from '../storage/object-storage.ts';
import { photoKeys, type PhotoKeys } from '../uploads/photo-pipeline.ts';
import {
  clinicsWithPhotoRetention,
  findAnalysis,
  giveUpImages,
  lockPhoto,
  photoAlreadyStored,
  releaseStorageBytes,
} from './analysis-repo.ts';

const PHOTO_OBJECT = /^clinics\/([0-9a-f-]{36})\/photos\/([0-9a-f]{64})\/[^/]+$/;
const HEATMAP_OBJECT = /^clinics\/([0-9a-f-]{36})\/analyses\/([0-9a-f-]{36})\/heatmap-([a-z_]+)\.png$/;

export interface PhotoObject {
  key: string;
  body: Buffer;
  contentType: string;
}

/** What to delete from storage for analyses whose rows are gone (or whose images are given up). */
export interface ImageRemoval {
  clinicId: string;
  analysisIds: string[];
  photoSha256s: string[];
}

export interface AnalysisObjectsDeps {
  pool: pg.Pool;
  storage: ObjectStorage;
}

// Analyses whose images one retention transaction deletes: bounds how long it holds its locks.
const RETENTION_BATCH = 100;

const clinicScope = (clinicId: string): TenantScope => ({ clinicId, userId: null, role: null });

/** The stored objects of analyses (photos and heatmaps): what an upload leaves behind and what no row refers to. */
export function createAnalysisObjects({ pool, storage }: AnalysisObjectsDeps) {
  /**
   * Deletes `keys` of one photo unless an analysis of the clinic refers to the photo. The deletes run
   * inside the transaction that holds the photo's lock: an upload of the same photo then either
   * committed before (and its row is seen) or commits after and finds its objects gone (see restorePhoto).
   */
  async function deleteUnlessReferenced(clinicId: string, sha256: string, keys: string[]): Promise<boolean> {
    return withTenant(pool, clinicScope(clinicId), async (tx) => {
      await lockPhoto(tx, clinicId, sha256);
      if (await photoAlreadyStored(tx, clinicId, sha256)) return false;
      for (const key of keys) await storage.delete(key);
      return true;
    });
  }

  /**
   * Deletes, in the caller's transaction, the heatmaps of `analysisIds` and each photo of `photoSha256s`
   * that no analysis keeping its images refers to (under the photo's lock, as an upload takes it: a new
   * upload of the same photo waits, then stores it again).
   */
  async function deleteImagesIn(tx: Tx, removal: ImageRemoval): Promise<number> {
    const { clinicId } = removal;
    let removed = 0;
    for (const analysisId of removal.analysisIds)
      removed += await deleteUnder(tx, clinicId, `clinics/${clinicId}/analyses/${analysisId}/`);
    for (const sha256 of removal.photoSha256s) {
      await lockPhoto(tx, clinicId, sha256);
      if (!(await photoAlreadyStored(tx, clinicId, sha256)))
        removed += await deleteUnder(tx, clinicId, `clinics/${clinicId}/photos/${sha256}/`);
    }
    return removed;
  }

  const keysOf = (keys: PhotoKeys) => [keys.original, keys.working, keys.thumbSmall, keys.thumbMedium];

  /** Deletes every object under `prefix` and takes their bytes off the clinic's storage use; returns how many went. */
  async function deleteUnder(tx: Tx, clinicId: string, prefix: string): Promise<number> {
    let removed = 0;
    for await (const object of storage.list(prefix)) {
      await storage.delete(object.key);
      await releaseStorageBytes(tx, clinicId, object.size);
      removed++;
    }
    return removed;
  }

  return {
    /** After an upload was refused or failed: its photo's objects go, unless an analysis of the photo keeps them. */
    async releasePhoto(clinicId: string, sha256: string, format: string): Promise<void> {
      await deleteUnlessReferenced(clinicId, sha256, keysOf(photoKeys(clinicId, sha256, format)));
    },

    /**
     * After an upload committed the first analysis of a photo: a failed upload of the same photo may
     * have removed the objects between this upload's writes and its commit, so missing ones are written again.
     */
    async restorePhoto(objects: PhotoObject[]): Promise<void> {
      for (const o of objects) if (!(await storage.exists(o.key))) await storage.put(o.key, o.body, o.contentType);
    },

    /**
     * Deletes the heatmaps of `analysisIds` and the photos `photoSha256s` (original, working copy,
     * thumbnails) unless an analysis of the clinic still keeps the photo, one short transaction each.
     * Idempotent: objects already gone are simply not found again, so a retried job finishes what a
     * failed one began.
     */
    async removeImages(removal: ImageRemoval): Promise<{ removed: number }> {
      let removed = 0;
      for (const analysisId of removal.analysisIds)
        removed += await withTenant(pool, clinicScope(removal.clinicId), (tx) =>
          deleteImagesIn(tx, { ...removal, analysisIds: [analysisId], photoSha256s: [] }),
        );
      for (const sha256 of removal.photoSha256s)
        removed += await withTenant(pool, clinicScope(removal.clinicId), (tx) =>
          deleteImagesIn(tx, { ...removal, analysisIds: [], photoSha256s: [sha256] }),
        );
      return { removed };
    },

    /**
     * Deletes the photos and heatmaps of analyses made more than the clinic's retention period ago, for
     * every clinic that set one; the analyses and their scores stay. Each batch marks its analyses and
     * deletes their objects in one transaction: a storage failure rolls the marks back, and the next
     * run (or retry) deletes again what is already gone and what is not.
     */
    async applyRetention(now = new Date()): Promise<{ analyses: number; removed: number }> {
      const clinics = await withTenant(pool, ANONYMOUS, (tx) => clinicsWithPhotoRetention(tx));
      let analyses = 0;
      let removed = 0;
      for (const { clinicId, months } of clinics) {
        const before = DateTime.fromJSDate(now).minus({ months }).toJSDate();
        for (;;) {
          const batch = await withTenant(pool, clinicScope(clinicId), async (tx) => {
            const images = await giveUpImages(tx, clinicId, { before, limit: RETENTION_BATCH });
            return { count: images.analysisIds.length, removed: await deleteImagesIn(tx, { clinicId, ...images }) };
          });
          analyses += batch.count;
          removed += batch.removed;
          if (batch.count < RETENTION_BATCH) break;
        }
      }
      return { analyses, removed };
    },

    /**
     * Removes objects older than `minAgeMs` that no analysis refers to (uploads that died between
     * storing and committing, heatmaps of a run that never finished). Younger objects may belong to an
     * upload or a run still under way. Keys of any other shape are left alone.
     */
    async sweepOrphans(minAgeMs: number, now = new Date()): Promise<{ removed: number; bytes: number }> {
      const cutoff = now.getTime() - minAgeMs;
      const photos = new Map<string, { clinicId: string; sha256: string; keys: string[]; bytes: number; young: boolean }>();
      let removed = 0;
      let bytes = 0;
      for await (const object of storage.list('clinics/')) {
        const young = object.lastModified.getTime() > cutoff;
        const photo = PHOTO_OBJECT.exec(object.key);
        if (photo) {
          const id = `${photo[1]}/${photo[2]}`;
          const entry = photos.get(id) ?? { clinicId: photo[1]!, sha256: photo[2]!, keys: [], bytes: 0, young: false };
          entry.keys.push(object.key);
          entry.bytes += object.size;
          entry.young ||= young;
          photos.set(id, entry);
          continue;
        }
        const heatmap = HEATMAP_OBJECT.exec(object.key);
        if (!heatmap || young) continue;
        const [, clinicId, analysisId, concern] = heatmap as unknown as [string, string, string, string];
        const referenced = await withTenant(pool, clinicScope(clinicId), async (tx) => {
          const row = await findAnalysis(tx, clinicId, analysisId);
          return row?.heatmap_concerns.includes(concern) ?? false;
        });
        if (referenced) continue;
        await storage.delete(object.key);
        removed++;
        bytes += object.size;
      }
      // A photo is removed whole or not at all; one of its objects written lately means an upload is under way.
      for (const photo of photos.values()) {
        if (photo.young || !(await deleteUnlessReferenced(photo.clinicId, photo.sha256, photo.keys))) continue;
        removed += photo.keys.length;
        bytes += photo.bytes;
      }
      return { removed, bytes };
    },
  };
}

export type AnalysisObjects = ReturnType<typeof createAnalysisObjects>;
