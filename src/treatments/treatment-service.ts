import type pg from 'pg';
import { recordAudit, type RequestMeta } from '../audit/audit-log.ts';
import { clinicOf, withTenant, type TenantScope } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import {
  findTreatment,
  insertTreatment,
  listTreatments,
  updateTreatment,
  type TreatmentFields,
  type TreatmentRow,
} from './treatment-repo.ts';
import type { z } from 'zod';
import type { NewTreatmentBody, TreatmentPatchBody } from './treatment-schemas.ts';

type NewTreatment = z.infer<typeof NewTreatmentBody>;
type TreatmentPatch = z.infer<typeof TreatmentPatchBody>;

function toFields({ name, ...rest }: TreatmentPatch): TreatmentFields {
  return { ...rest, nameEn: name?.en, nameTh: name?.th, nameZh: name?.zh };
}

export function createTreatmentService(pool: pg.Pool) {
  return {
    /** Customers see only what can be booked; staff see the whole catalogue when they ask. */
    list(scope: TenantScope, filter: { category?: string | undefined; includeInactive: boolean }): Promise<TreatmentRow[]> {
      const activeOnly = scope.role === 'customer' || !filter.includeInactive;
      return withTenant(pool, scope, (tx) =>
        listTreatments(tx, clinicOf(scope), { activeOnly, ...(filter.category ? { category: filter.category } : {}) }),
      );
    },

    async get(scope: TenantScope, id: string): Promise<TreatmentRow> {
      const row = await withTenant(pool, scope, (tx) => findTreatment(tx, clinicOf(scope), id));
      if (!row || (scope.role === 'customer' && !row.is_active)) throw notFound('treatment');
      return row;
    },

    create(scope: TenantScope, input: NewTreatment, meta: RequestMeta): Promise<TreatmentRow> {
      const clinicId = clinicOf(scope);
      return withTenant(pool, scope, async (tx) => {
        const row = await insertTreatment(tx, clinicId, {
          ...toFields(input),
          category: input.category,
          durationMinutes: input.durationMinutes,
          priceSatang: input.priceSatang,
        });
        await recordAudit(
          tx,
          {
            clinicId,
            actorUserId: scope.userId,
            actorRole: scope.role,
            action: 'treatment.create',
            targetType: 'treatment',
            targetId: row.id,
          },
          meta,
        );
        return row;
      });
    },

    update(scope: TenantScope, id: string, patch: TreatmentPatch, meta: RequestMeta): Promise<TreatmentRow> {
      const clinicId = clinicOf(scope);
      return withTenant(pool, scope, async (tx) => {
        const row = await updateTreatment(tx, clinicId, id, toFields(patch));
        if (!row) throw notFound('treatment');
        await recordAudit(
          tx,
          {
            clinicId,
            actorUserId: scope.userId,
            actorRole: scope.role,
            action: 'treatment.update',
            targetType: 'treatment',
            targetId: id,
            metadata: { changed: Object.keys(patch) },
          },
          meta,
        );
        return row;
      });
    },
  };
}

export type TreatmentService = ReturnType<typeof createTreatmentService>;
