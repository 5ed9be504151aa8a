import type pg from 'pg';
import { recordAudit, type AuditEntry, type RequestMeta } from '../audit/audit-log.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { AnalysisProvider, Config } from '../config.ts';
import {
  unsafeWithPlatformAccess,
  withTenant,
  type Actor,
  type PlatformActor,
  type TenantScope,
  type Tx,
} from '../db/tenant-transaction.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import { pageByCreation, decodeCursor } from '../http/pagination.ts';
import { insertUser } from '../users/user-repo.ts';
import type { ClinicCache, ClinicRecord } from './clinic-cache.ts';
import { findClinicLimits, listTierLimits } from './clinic-limits.ts';
import { findPublicClinicBySlug, type PublicClinicRow } from './clinic-lookup-repo.ts';
import {
  countSeatHolders,
  findClinicById,
  insertClinic,
  listClinics,
  updateClinicAsPlatform,
  updateClinicProfile,
  type ClinicFilter,
  type ClinicProfileChange,
  type ClinicRow,
  type NewClinic,
  type PlatformClinicChange,
} from './clinic-repo.ts';
import type { ClinicStatusKey } from './clinic-vocabulary.ts';
import {
  analysisProviderOf,
  settingsOf,
  toAdminClinic,
  toAdminClinicDetail,
  toClinicSummary,
  type ClinicSummary,
  type QuotaOverrides,
} from './clinic-schemas.ts';

export interface NewOwner {
  email: string;
  fullName: string;
  password: string;
}

export interface ClinicListInput {
  status?: ClinicStatusKey | undefined;
  tier?: ClinicFilter['tier'];
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface ClinicChange extends Omit<PlatformClinicChange, 'quotaOverrides'> {
  quotaOverrides?: QuotaOverrides | undefined;
}

/** Who acts on the platform path: a super admin, or a platform process (seeding) with no user. */
export function createClinicService(
  pool: pg.Pool,
  cache: ClinicCache,
  config: Pick<Config, 'ANALYSIS_DEFAULT_PROVIDER' | 'OPENAI_API_KEY'>,
) {
  const platformProvider = config.ANALYSIS_DEFAULT_PROVIDER;
  const platformScope = (actor: PlatformActor): TenantScope => ({ clinicId: null, userId: actor.userId, role: actor.role });
  const audit = (
    tx: Tx,
    actor: PlatformActor | TenantScope,
    clinicId: string | null,
    action: string,
    meta: RequestMeta,
    metadata?: AuditEntry['metadata'],
  ) =>
    recordAudit(
      tx,
      {
        clinicId,
        actorUserId: actor.userId,
        actorRole: actor.role,
        action,
        targetType: 'clinic',
        targetId: clinicId ?? undefined,
        metadata,
      },
      meta,
    );

  async function detailOf(tx: Tx, row: ClinicRow) {
    const limits = (await findClinicLimits(tx, row.id))!;
    return toAdminClinicDetail({ row, limits, activeUsers: await countSeatHolders(tx, row.id), platformProvider });
  }

  /** The member's own clinic, through the cache; the key is always the principal's clinic, never a parameter. */
  async function memberClinic(scope: TenantScope): Promise<ClinicRecord> {
    const clinicId = scope.clinicId;
    if (!clinicId) throw notFound('clinic');
    const record = await cache.byId(clinicId, () =>
      withTenant(
        pool,
        scope,
        async (tx) => {
          const row = await findClinicById(tx, clinicId);
          const limits = row && (await findClinicLimits(tx, clinicId));
          return row && limits ? { row, limits } : undefined;
        },
        { readOnly: true },
      ),
    );
    if (!record) throw notFound('clinic');
    return record;
  }

  /** Customers see what the clinic shows the public; staff also see its plan, settings and limits. */
  function memberView({ row, limits }: ClinicRecord, role: TenantScope['role']) {
    const publicPart = { id: row.id, slug: row.slug, name: row.name, timeZone: row.time_zone, locale: row.locale };
    if (role === 'customer') return publicPart;
    return {
      ...publicPart,
      tier: row.tier,
      status: row.status,
      settings: settingsOf(row.settings),
      limits,
      ...analysisProviderOf(row.analysis_provider, platformProvider),
    };
  }

  async function create(actor: PlatformActor, clinic: NewClinic, owner: NewOwner | undefined, meta: RequestMeta) {
    // Hashed before the transaction opens: argon2 is deliberately slow and must not hold a connection.
    const passwordHash = owner ? await hashPassword(owner.password) : undefined;
    const created = await unsafeWithPlatformAccess(pool, platformScope(actor), async (tx) => {
      const row = await insertClinic(tx, clinic);
      const ownerRow =
        owner && passwordHash
          ? await insertUser(tx, {
              clinicId: row.id,
              email: owner.email,
              passwordHash,
              role: 'clinic_owner',
              fullName: owner.fullName,
              locale: row.locale,
            })
          : undefined;
      await audit(tx, actor, row.id, 'clinic.create', meta, {
        slug: row.slug,
        tier: row.tier,
        status: row.status,
        ownerId: ownerRow?.id ?? null,
      });
      return { detail: await detailOf(tx, row), ownerId: ownerRow?.id ?? null };
    });
    await cache.invalidate(created.detail);
    return created;
  }

  async function update(actor: PlatformActor, id: string, change: ClinicChange, meta: RequestMeta) {
    if (change.analysisProvider === 'openai' && !config.OPENAI_API_KEY) {
      throw new AppError(
        'analysis-provider-unavailable',
        'OpenAI is not configured on this platform (no OPENAI_API_KEY); the clinic keeps its provider.',
      );
    }
    const { detail, changed } = await unsafeWithPlatformAccess(pool, platformScope(actor), async (tx) => {
      const before = await findClinicById(tx, id, { forUpdate: true });
      if (!before) throw notFound('clinic');
      const tier = change.tier !== undefined && change.tier !== before.tier ? change.tier : undefined;
      const status = change.status !== undefined && change.status !== before.status ? change.status : undefined;
      const name = change.name !== undefined && change.name !== before.name ? change.name : undefined;
      const quotaOverrides =
        change.quotaOverrides && !sameOverrides(change.quotaOverrides, before.quota_overrides)
          ? change.quotaOverrides
          : undefined;
      // null is a change (back to the platform default); undefined is none.
      const analysisProvider =
        change.analysisProvider !== undefined && change.analysisProvider !== before.analysis_provider
          ? change.analysisProvider
          : undefined;
      if (
        tier === undefined &&
        status === undefined &&
        name === undefined &&
        quotaOverrides === undefined &&
        analysisProvider === undefined
      ) {
        return { detail: await detailOf(tx, before), changed: false };
      }
      const after = (await updateClinicAsPlatform(tx, id, { tier, status, name, quotaOverrides, analysisProvider }))!;
      // Plan, status and provider changes get their own actions so they can be found (and billed, and
      // explained: the provider decides who processes the clinic's face photos) on their own.
      if (tier) await audit(tx, actor, id, 'clinic.tier_change', meta, { from: before.tier, to: tier });
      if (status) await audit(tx, actor, id, 'clinic.status_change', meta, { from: before.status, to: status });
      if (analysisProvider !== undefined)
        await audit(tx, actor, id, 'clinic.analysis_provider_change', meta, {
          from: before.analysis_provider,
          to: analysisProvider,
        });
      if (name !== undefined || quotaOverrides) {
        await audit(tx, actor, id, 'clinic.update', meta, {
          ...(name !== undefined ? { name: { from: before.name, to: name } } : {}),
          ...(quotaOverrides ? { quotaOverrides: { from: before.quota_overrides, to: quotaOverrides } } : {}),
        });
      }
      return { detail: await detailOf(tx, after), changed: true };
    });
    if (changed) await cache.invalidate(detail);
    return detail;
  }

  return {
    /** Sign-up's lookup: public fields only, cached by slug. */
    findPublicClinicBySlug(slug: string): Promise<PublicClinicRow | undefined> {
      return cache.bySlug(slug, () => findPublicClinicBySlug(pool, slug));
    },

    /** For /api/me: the member's clinic in brief; a super admin belongs to none. */
    async clinicSummary(scope: TenantScope): Promise<ClinicSummary | null> {
      if (!scope.clinicId) return null;
      return toClinicSummary((await memberClinic(scope)).row);
    },

    async ownClinic(actor: Actor) {
      return memberView(await memberClinic(actor), actor.role);
    },

    /** The member's clinic's API rate limit, from the cached record: no query per request. */
    async apiRequestsPerMinute(scope: TenantScope): Promise<number> {
      return (await memberClinic(scope)).limits.apiRequestsPerMinute;
    },

    /** Where the member's clinic's skin analyses run: its own provider, or the platform default. */
    async analysisProvider(scope: TenantScope): Promise<AnalysisProvider> {
      return analysisProviderOf((await memberClinic(scope)).row.analysis_provider, platformProvider).effectiveAnalysisProvider;
    },

    async updateOwnClinic(actor: Actor, change: ClinicProfileChange, meta: RequestMeta) {
      const clinicId = actor.clinicId;
      if (!clinicId) throw notFound('clinic');
      const record = await withTenant(pool, actor, async (tx) => {
        const before = await findClinicById(tx, clinicId, { forUpdate: true });
        if (!before) throw notFound('clinic');
        const updated = (await updateClinicProfile(tx, clinicId, change))!;
        const fields = Object.keys(change) as (keyof ClinicProfileChange)[];
        const value = (row: ClinicRow, field: keyof ClinicProfileChange) =>
          ({ name: row.name, timeZone: row.time_zone, locale: row.locale, settings: row.settings })[field];
        await audit(tx, actor, clinicId, 'clinic.settings_update', meta, {
          from: Object.fromEntries(fields.map((f) => [f, value(before, f)])),
          to: Object.fromEntries(fields.map((f) => [f, value(updated, f)])),
        });
        return { row: updated, limits: (await findClinicLimits(tx, clinicId))! };
      });
      await cache.invalidate(record.row);
      return memberView(record, actor.role);
    },

    async listClinics(actor: PlatformActor, input: ClinicListInput, meta: RequestMeta) {
      const cursor = decodeCursor(input.cursor);
      const rows = await unsafeWithPlatformAccess(pool, platformScope(actor), async (tx) => {
        const page = await listClinics(tx, {
          status: input.status,
          tier: input.tier,
          q: input.q,
          cursor,
          limit: input.limit + 1,
        });
        await audit(tx, actor, null, 'clinic.list', meta, {
          status: input.status ?? null,
          tier: input.tier ?? null,
          q: input.q ?? null,
        });
        return page;
      });
      return pageByCreation(rows, input.limit, (r) => toAdminClinic(r, platformProvider));
    },

    /** The plans' own limits, which a clinic's overrides replace. */
    tierLimits(actor: PlatformActor) {
      return withTenant(pool, platformScope(actor), listTierLimits, { readOnly: true });
    },

    async getClinic(actor: PlatformActor, id: string, meta: RequestMeta) {
      return unsafeWithPlatformAccess(pool, platformScope(actor), async (tx) => {
        const row = await findClinicById(tx, id);
        if (!row) throw notFound('clinic');
        await audit(tx, actor, id, 'clinic.view', meta);
        return detailOf(tx, row);
      });
    },

    /** The API path: a clinic never exists without the owner who will run it. */
    async createClinicWithOwner(actor: PlatformActor, clinic: NewClinic, owner: NewOwner, meta: RequestMeta) {
      const { detail, ownerId } = await create(actor, clinic, owner, meta);
      return { clinic: detail, ownerId: ownerId! };
    },

    /** Seeding and tests add the clinic's people separately, so they can choose how many and which roles. */
    async createClinic(actor: PlatformActor, clinic: NewClinic, meta: RequestMeta) {
      return (await create(actor, clinic, undefined, meta)).detail;
    },

    updateClinic: update,

    setStatus(actor: PlatformActor, id: string, status: ClinicStatusKey, meta: RequestMeta) {
      return update(actor, id, { status }, meta);
    },
  };
}

export type ClinicService = ReturnType<typeof createClinicService>;

function sameOverrides(a: Record<string, number | null>, b: Record<string, number | null>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && a[k] === b[k]);
}
