import type pg from 'pg';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { clinicOf, withTenant, type Actor } from '../db/tenant-transaction.ts';
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
    list(actor: Actor, filter: { category?: string | undefined; includeInactive: boolean }): Promise<TreatmentRow[]> {
      const activeOnly = actor.role === 'customer' || !filter.includeInactive;
      return withTenant(pool, actor, (tx) =>
        listTreatments(tx, clinicOf(actor), { activeOnly, ...(filter.category ? { category: filter.category } : {}) }),
      );
    },

    async get(actor: Actor, id: string): Promise<TreatmentRow> {
      const row = await withTenant(pool, actor, (tx) => findTreatment(tx, clinicOf(actor), id));
      if (!row || (actor.role === 'customer' && !row.is_active)) throw notFound('treatment');
      return row;
    },

    create(actor: Actor, input: NewTreatment, meta: RequestMeta): Promise<TreatmentRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const row = await insertTreatment(tx, clinicId, {
          ...toFields(input),
          category: input.category,
          durationMinutes: input.durationMinutes,
          priceSatang: input.priceSatang,
        });
        await recordAuditBy(tx, actor, { clinicId, action: 'treatment.create', targetType: 'treatment', targetId: row.id }, meta);
        return row;
      });
    },

    update(actor: Actor, id: string, patch: TreatmentPatch, meta: RequestMeta): Promise<TreatmentRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const row = await updateTreatment(tx, clinicId, id, toFields(patch));
        if (!row) throw notFound('treatment');
        await recordAuditBy(
          tx,
          actor,
          {
            clinicId,
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
