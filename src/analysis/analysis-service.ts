import { compareResults } from './result-comparison.ts';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { DateTime } from 'luxon';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { AnalysisProvider, Config } from '../config.ts';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { assertEmailVerifiedWhereRequired } from '../auth/email-verification.ts';
import { createRateLimiter } from '../cache/rate-limiter.ts';
import { findClinicLimits } from '../clinics/clinic-limits.ts';
import { customerLimitsOf } from '../clinics/customer-limits.ts';
import type { ClinicService } from '../clinics/clinic-service.ts';
import { customerActedFor, isCustomer, visibleCustomerOf } from '../customers/customer-access.ts';
import { lockCustomer } from '../customers/customer-repo.ts';
import { clinicOf, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { AppError, notFound, tooManyRequests } from '../errors/app-error.ts';
import { decodeCursor, pageByCreation } from '../http/pagination.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import { inTransaction, sendJob } from '../jobs/job-queue.ts';
import type { ObjectStorage } from '../storage/object-storage.ts';
import { photoKeys, processPhoto, type ProcessedPhoto } from '../uploads/photo-pipeline.ts';
import { listTreatments } from '../treatments/treatment-repo.ts';
import { createAnalysisObjects, type PhotoObject } from './analysis-objects.ts';
import { ANALYSIS_QUEUE, type AnalysisJobData } from './analysis-queue.ts';
import { STAGE_PROGRESS } from './analysis-vocabulary.ts';
import {
  activeConsent,
  addStorageBytes,
  analysesUsed,
  completedAnalysesOf,
  customerAnalysesUsed,
  findAnalysis,
  findAnalysisOfSamePhoto,
  giveUpImages,
  insertAnalysis,
  insertConsent,
  listAnalyses,
  lockPhoto,
  notifyProgress,
  photoAlreadyStored,
  queuedAnalyses,
  takeAnalysisUnit,
  takeCustomerAnalysisUnit,
  withdrawConsents,
  type AnalysisRow,
} from './analysis-repo.ts';
import { CONSENT_TEXT, CONSENT_VERSION, EXTERNAL_PROCESSOR_TEXT } from './consent-text.ts';
import { heatmapKey } from './heatmap-key.ts';
import { removeImagesAfterCommit } from './image-removal-job.ts';
import { recommendTreatments, type Recommendation } from './recommendations.ts';
import { concernScores, type SkinAnalysisResult } from './skin-analyzer.ts';

type StoredResult = Omit<SkinAnalysisResult, 'heatmaps'>;

/** An accepted upload: a new analysis, or the customer's existing one of the same photo (`reused`). */
export interface AnalysisSubmission {
  row: AnalysisRow;
  reused: boolean;
}

export interface AnalysisServiceDeps {
  pool: pg.Pool;
  storage: ObjectStorage;
  jobs: PgBoss;
  clinics: ClinicService;
  redis: Redis | null;
  config: Pick<Config, 'REDIS_KEY_PREFIX' | 'ANALYSIS_UPLOADS_PER_MINUTE' | 'UPLOAD_MAX_PIXELS' | 'OPENAI_API_KEY'>;
}

export function createAnalysisService({ pool, storage, jobs, clinics, redis, config }: AnalysisServiceDeps) {
  const uploadLimiter = createRateLimiter(redis, {
    keyPrefix: `${config.REDIS_KEY_PREFIX}analysis-uploads`,
    points: config.ANALYSIS_UPLOADS_PER_MINUTE,
    duration: 60,
  });

  /** The customer a request is about: a customer's own record, or the one staff name. */
  async function customerIdFor(tx: Tx, actor: Actor, clinicId: string, requested: string | undefined): Promise<string> {
    const customerId = await customerActedFor(tx, actor, clinicId, requested);
    if (!customerId)
      throw new AppError('validation-failed', 'Name the customer with customerId.', {
        errors: [{ path: 'querystring.customerId', message: 'required for staff' }],
      });
    return customerId;
  }

  /** The clinic's provider (its own or the platform default), refused when this node has no way to run it. */
  async function availableProvider(actor: Actor): Promise<AnalysisProvider> {
    const provider = await clinics.analysisProvider(actor);
    if (provider === 'openai' && !config.OPENAI_API_KEY) {
      throw new AppError(
        'analysis-provider-unavailable',
        'This clinic analyses photos with OpenAI, which is not configured on this server; ask the platform operator.',
      );
    }
    return provider;
  }

  async function quotaMonth(actor: Actor): Promise<{ month: string; resetsAt: string }> {
    const timeZone = (await clinics.clinicSummary(actor))!.timeZone;
    const now = DateTime.now().setZone(timeZone);
    return { month: now.toFormat('yyyy-LL'), resetsAt: now.startOf('month').plus({ months: 1 }).toUTC().toISO()! };
  }

  const analysisObjects = createAnalysisObjects({ pool, storage });

  /**
   * Stores the photo, then runs `record` (the upload's transaction). If either fails, the objects go
   * again, unless an analysis of the same photo keeps them; what this cannot remove, the orphan sweep will.
   */
  async function storeThenRecord<T>(clinicId: string, photo: ProcessedPhoto, objects: PhotoObject[], record: () => Promise<T>) {
    try {
      // Content-addressed: storing the same photo twice writes the same objects, so this is safe to repeat.
      // Settled, not raced: the clean-up must not run while one of the writes is still landing.
      const writes = await Promise.allSettled(objects.map((o) => storage.put(o.key, o.body, o.contentType)));
      const failed = writes.find((w) => w.status === 'rejected');
      if (failed) throw failed.reason;
      return await record();
    } catch (error) {
      await analysisObjects.releasePhoto(clinicId, photo.sha256, photo.format).catch(() => undefined);
      throw error;
    }
  }

  const quotaExceeded = (limit: number, resetsAt: string) =>
    new AppError('analysis-quota-exceeded', `This clinic has used all ${limit} analyses of this month.`, { limit, resetsAt });
  const allowanceExceeded = (limit: number, resetsAt: string) =>
    new AppError(
      'customer-analysis-allowance-exceeded',
      `This customer has used all ${limit} analyses the clinic allows per customer this month.`,
      { limit, resetsAt },
    );

  async function viewable(tx: Tx, actor: Actor, clinicId: string, id: string): Promise<AnalysisRow> {
    const customerId = await visibleCustomerOf(tx, actor, clinicId, 'analysis');
    const row = await findAnalysis(tx, clinicId, id, customerId);
    if (!row) throw notFound('analysis');
    return row;
  }

  /**
   * A staff member's look at a customer's analyses (one, a list, a trend, a comparison, an image) is
   * audited, one entry per request however many rows it shows; the customer's own look is not.
   */
  async function auditStaffView(
    tx: Tx,
    actor: Actor,
    clinicId: string,
    view: { action?: string; targetType?: string; targetId?: string; metadata: Record<string, unknown> },
    meta: RequestMeta,
  ) {
    // A read that showed no analysis saw no health data.
    if (isCustomer(actor) || view.metadata.shown === 0) return;
    const { action = 'analysis.view', targetType = 'skin_analysis', ...rest } = view;
    await recordAuditBy(tx, actor, { clinicId, action, targetType, ...rest }, meta);
  }

  /** Who processes the clinic's photos outside the clinic, if anyone: named in the consent text. */
  const externalProcessor = async (actor: Actor) => ((await clinics.analysisProvider(actor)) === 'openai' ? 'openai' : null);

  /** An audit entry about one customer's analyses, or about the whole clinic's list when none is named. */
  const customerTarget = (customerId: string | undefined) =>
    customerId ? { targetType: 'customer', targetId: customerId } : { targetType: 'clinic' };

  const service = {
    /** The text to agree to; it names the processor when the clinic's provider sends photos outside the clinic. */
    async consentText(actor: Actor, locale: Locale) {
      const processor = await externalProcessor(actor);
      return {
        version: CONSENT_VERSION,
        locale,
        text: CONSENT_TEXT[locale] + (processor ? EXTERNAL_PROCESSOR_TEXT[locale] : ''),
      };
    },

    async consentStatus(actor: Actor, customerId: string | undefined) {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const consent = await activeConsent(tx, clinicId, await customerIdFor(tx, actor, clinicId, customerId));
        return consent
          ? { granted: true, version: consent.text_version, grantedAt: consent.granted_at.toISOString() }
          : { granted: false, version: null, grantedAt: null };
      });
    },

    async grantConsent(
      actor: Actor,
      input: { customerId?: string | undefined; version: string; locale: Locale },
      meta: RequestMeta,
    ) {
      if (input.version !== CONSENT_VERSION) {
        throw new AppError(
          'conflict',
          `Consent text ${input.version} is not the current one (${CONSENT_VERSION}); show the current text and ask again.`,
        );
      }
      const clinicId = clinicOf(actor);
      // The audit entry says which text was agreed to: with or without a named processor.
      const processor = await externalProcessor(actor);
      return withTenant(pool, actor, async (tx) => {
        const customerId = await customerIdFor(tx, actor, clinicId, input.customerId);
        const consent = await insertConsent(tx, {
          clinicId,
          customerId,
          textVersion: input.version,
          locale: input.locale,
          recordedBy: actor.userId,
          ip: meta.ip,
        });
        await recordAuditBy(
          tx,
          actor,
          {
            clinicId,
            action: 'analysis.consent_grant',
            targetType: 'customer',
            targetId: customerId,
            metadata: { version: input.version, locale: input.locale, processor },
          },
          meta,
        );
        return { granted: true, version: input.version, grantedAt: consent.granted_at.toISOString() };
      });
    },

    /**
     * Withdraws consent; with `deletePhotos`, the customer's photos, working copies, thumbnails and
     * heatmaps go too (by the image removal job, enqueued here), while their scores stay.
     */
    async withdrawConsent(
      actor: Actor,
      customerId: string | undefined,
      options: { deletePhotos: boolean },
      meta: RequestMeta,
    ): Promise<void> {
      const clinicId = clinicOf(actor);
      await withTenant(pool, actor, async (tx) => {
        const id = await customerIdFor(tx, actor, clinicId, customerId);
        const withdrawn = await withdrawConsents(tx, clinicId, id);
        const images = options.deletePhotos ? await giveUpImages(tx, clinicId, { customerId: id }) : undefined;
        if (images) await removeImagesAfterCommit(tx, jobs, { clinicId, ...images });
        await recordAuditBy(
          tx,
          actor,
          {
            clinicId,
            action: 'analysis.consent_withdraw',
            targetType: 'customer',
            targetId: id,
            metadata: { withdrawn, photosDeleted: images?.analysisIds.length ?? 0 },
          },
          meta,
        );
      });
    },

    /**
     * Everything that can refuse an upload without reading it: the clinic's provider, consent, the
     * clinic's upload rate and its monthly quota. Runs before the request body is read, so nothing is
     * stored for a refusal.
     */
    async admit(actor: Actor, requestedCustomerId: string | undefined): Promise<{ customerId: string }> {
      const clinicId = clinicOf(actor);
      await availableProvider(actor);
      const { month, resetsAt } = await quotaMonth(actor);
      return withTenant(pool, actor, async (tx) => {
        await assertEmailVerifiedWhereRequired(tx, actor, clinicId);
        const customerId = await customerIdFor(tx, actor, clinicId, requestedCustomerId);
        if (!(await activeConsent(tx, clinicId, customerId))) throw new AppError('consent-required');
        const { monthlyAnalysesPerCustomer: allowance } = await customerLimitsOf(tx, clinicId);
        if ((await customerAnalysesUsed(tx, clinicId, customerId, month)) >= allowance)
          throw allowanceExceeded(allowance, resetsAt);
        const limits = (await findClinicLimits(tx, clinicId))!;
        if (limits.monthlyAnalyses !== null && (await analysesUsed(tx, clinicId, month)) >= limits.monthlyAnalyses)
          throw quotaExceeded(limits.monthlyAnalyses, resetsAt);
        // Last, so an upload refused above spends none of the clinic's rate.
        await uploadLimiter.consume(clinicId).catch((res: RateLimiterRes | Error) => {
          if (res instanceof Error) throw res;
          throw tooManyRequests('analysis-uploads', 'too-many-requests', res.msBeforeNext / 1000);
        });
        return { customerId };
      });
    },

    /**
     * An upload from start to finish: admitted, its body read, then submitted. Only an accepted upload
     * spends the clinic's upload rate: one refused for its size, its image or a quota gives its point
     * back, so one customer's bad files do not block the clinic's other customers.
     */
    async upload(
      actor: Actor,
      requestedCustomerId: string | undefined,
      readPhoto: () => Promise<Buffer>,
      meta: RequestMeta,
    ): Promise<AnalysisSubmission> {
      const { customerId } = await service.admit(actor, requestedCustomerId);
      try {
        return await service.submit(actor, customerId, await readPhoto(), meta);
      } catch (error) {
        await uploadLimiter.reward(clinicOf(actor));
        throw error;
      }
    },

    /**
     * Normalises and stores the photo, then in one transaction takes a unit of the customer's allowance
     * and of the clinic's quota, adds the bytes to the clinic's storage use, writes the analysis and
     * enqueues its job: an accepted analysis always has its job, and a refused one takes nothing and
     * leaves no object behind. A photo the customer already has a running or finished analysis of gets
     * that one back, for free.
     */
    async submit(actor: Actor, customerId: string, upload: Buffer, meta: RequestMeta): Promise<AnalysisSubmission> {
      const clinicId = clinicOf(actor);
      // Asked again, before anything is stored: a super admin may have changed it since admit.
      const provider = await availableProvider(actor);
      const photo = await processPhoto(upload, { maxPixels: config.UPLOAD_MAX_PIXELS });
      const keys = photoKeys(clinicId, photo.sha256, photo.format);
      const objects: PhotoObject[] = [
        { key: keys.original, body: photo.original, contentType: `image/${photo.format}` },
        { key: keys.working, body: photo.working, contentType: 'image/jpeg' },
        { key: keys.thumbSmall, body: photo.thumbnails.small, contentType: 'image/webp' },
        { key: keys.thumbMedium, body: photo.thumbnails.medium, contentType: 'image/webp' },
      ];
      const storedBytes = objects.reduce((sum, o) => sum + o.body.length, 0);
      let firstOfPhoto = false;
      const submission = await storeThenRecord(clinicId, photo, objects, async () => {
        const { month, resetsAt } = await quotaMonth(actor);
        return withTenant(pool, actor, async (tx) => {
          // Customer first, then photo, always in this order. The customer's lock: two uploads of one photo at
          // once cannot both miss the other and take two units.
          await lockCustomer(tx, clinicId, customerId);
          await lockPhoto(tx, clinicId, photo.sha256);
          const same = await findAnalysisOfSamePhoto(tx, clinicId, customerId, photo.sha256);
          if (same) return { row: same, reused: true };
          const { monthlyAnalysesPerCustomer: allowance } = await customerLimitsOf(tx, clinicId);
          if (!(await takeCustomerAnalysisUnit(tx, clinicId, customerId, month, allowance)))
            throw allowanceExceeded(allowance, resetsAt);
          const limits = (await findClinicLimits(tx, clinicId))!;
          if (!(await takeAnalysisUnit(tx, clinicId, month, limits.monthlyAnalyses)))
            throw quotaExceeded(limits.monthlyAnalyses!, resetsAt);
          const newBytes = (await photoAlreadyStored(tx, clinicId, photo.sha256)) ? 0 : storedBytes;
          if (!(await addStorageBytes(tx, clinicId, newBytes, limits.storageBytes))) throw new AppError('storage-quota-exceeded');
          firstOfPhoto = newBytes > 0;
          // Round-robin between clinics: a clinic's k-th waiting analysis gets priority −k, so one
          // clinic's backlog never runs ahead of another clinic's first photo.
          const priority = -(await queuedAnalyses(tx, clinicId));
          const row = await insertAnalysis(tx, {
            clinicId,
            customerId,
            requestedBy: actor.userId,
            provider,
            sha256: photo.sha256,
            format: photo.format,
            storedBytes: newBytes,
            width: photo.width,
            height: photo.height,
            workingWidth: photo.workingWidth,
            workingHeight: photo.workingHeight,
            quotaMonth: month,
          });
          const data: AnalysisJobData = { clinicId, analysisId: row.id };
          await sendJob(jobs, { queue: ANALYSIS_QUEUE }, data, { priority, db: inTransaction(tx) });
          await notifyProgress(tx, { id: row.id, clinicId, status: 'queued', progress: STAGE_PROGRESS.queued });
          await recordAuditBy(
            tx,
            actor,
            {
              clinicId,
              action: 'analysis.create',
              targetType: 'skin_analysis',
              targetId: row.id,
              metadata: { customerId, provider, sha256: photo.sha256 },
            },
            meta,
          );
          return { row, reused: false };
        });
      });
      if (firstOfPhoto) await analysisObjects.restorePhoto(objects);
      return submission;
    },

    /** One analysis; a staff member's view of a customer's analysis is audited. */
    async get(actor: Actor, id: string, meta: RequestMeta): Promise<{ row: AnalysisRow; recommendations: Recommendation[] }> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const row = await viewable(tx, actor, clinicId, id);
        await auditStaffView(tx, actor, clinicId, { targetId: id, metadata: { customerId: row.customer_id } }, meta);
        const result = row.result as StoredResult | null;
        if (!result) return { row, recommendations: [] };
        const catalogue = (await listTreatments(tx, clinicId, { activeOnly: true })).map((t) => ({
          id: t.id,
          category: t.category,
          name: { en: t.name_en, th: t.name_th, zh: t.name_zh },
          priceSatang: Number(t.price_satang),
        }));
        return { row, recommendations: recommendTreatments(concernScores(result.concerns), catalogue) };
      });
    },

    /** For the SSE stream: the analysis if the actor may see it (no audit entry: the detail view writes it). */
    async current(actor: Actor, id: string): Promise<AnalysisRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, (tx) => viewable(tx, actor, clinicId, id), { readOnly: true });
    },

    async list(
      actor: Actor,
      query: { customerId?: string | undefined; cursor?: string | undefined; limit: number },
      meta: RequestMeta,
    ) {
      const clinicId = clinicOf(actor);
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(pool, actor, async (tx) => {
        const customerId =
          isCustomer(actor) || query.customerId ? await customerIdFor(tx, actor, clinicId, query.customerId) : undefined;
        const rows = await listAnalyses(tx, clinicId, { customerId, after, limit: query.limit });
        await auditStaffView(
          tx,
          actor,
          clinicId,
          { action: 'analysis.list', ...customerTarget(customerId), metadata: { shown: Math.min(rows.length, query.limit) } },
          meta,
        );
        return rows;
      });
      return pageByCreation(rows, query.limit);
    },

    /** Per concern, the scores of a customer's completed analyses over time, oldest first. */
    async trend(actor: Actor, requestedCustomerId: string | undefined, limit: number, meta: RequestMeta) {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const customerId = await customerIdFor(tx, actor, clinicId, requestedCustomerId);
        const rows = await completedAnalysesOf(tx, clinicId, customerId, limit);
        await auditStaffView(
          tx,
          actor,
          clinicId,
          { action: 'analysis.trend', ...customerTarget(customerId), metadata: { shown: rows.length } },
          meta,
        );
        return rows.map((r) => {
          const result = r.result as StoredResult;
          return {
            analysisId: r.id,
            at: r.created_at.toISOString(),
            overallScore: result.overallScore,
            scores: concernScores(result.concerns),
            provider: result.provider,
            modelVersion: result.modelVersion,
          };
        });
      });
    },

    /** Two completed analyses of the same customer side by side, with the change per concern (b − a). */
    async compare(actor: Actor, aId: string, bId: string, meta: RequestMeta) {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const [a, b] = [await viewable(tx, actor, clinicId, aId), await viewable(tx, actor, clinicId, bId)];
        if (a.customer_id !== b.customer_id) throw new AppError('conflict', 'Both analyses must be of the same customer.');
        if (a.status !== 'completed' || b.status !== 'completed')
          throw new AppError('conflict', 'Both analyses must be completed.');
        const metadata = { customerId: a.customer_id, compare: true };
        await auditStaffView(tx, actor, clinicId, { targetId: `${aId},${bId}`, metadata }, meta);
        const [ra, rb] = [a.result as StoredResult, b.result as StoredResult];
        const side = (row: typeof a, result: StoredResult) => ({
          id: row.id,
          at: row.created_at.toISOString(),
          overallScore: result.overallScore,
          provider: result.provider,
          modelVersion: result.modelVersion,
        });
        return { a: side(a, ra), b: side(b, rb), ...compareResults(ra, rb) };
      });
    },

    /** An image of an analysis the actor may see: the stored object, for an authorised, private response. */
    async image(actor: Actor, id: string, variant: string, meta: RequestMeta) {
      const clinicId = clinicOf(actor);
      const row = await withTenant(pool, actor, async (tx) => {
        const row = await viewable(tx, actor, clinicId, id);
        const metadata = { customerId: row.customer_id, variant };
        await auditStaffView(tx, actor, clinicId, { action: 'analysis.image', targetId: id, metadata }, meta);
        return row;
      });
      const keys = photoKeys(clinicId, row.photo_sha256, row.photo_format);
      const key =
        variant === 'working'
          ? keys.working
          : variant === 'thumb-256'
            ? keys.thumbSmall
            : variant === 'thumb-768'
              ? keys.thumbMedium
              : variant.startsWith('heatmap-') && row.heatmap_concerns.includes(variant.slice('heatmap-'.length))
                ? heatmapKey(clinicId, row.id, variant.slice('heatmap-'.length))
                : undefined;
      // Deleted with the consent or by the clinic's retention period: the scores stay, the images are gone.
      if (!key || row.images_deleted_at) throw notFound('image');
      return storage.get(key);
    },
  };
  return service;
}

export type AnalysisService = ReturnType<typeof createAnalysisService>;
