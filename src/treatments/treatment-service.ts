import type pg from 'pg';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { clinicOf, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import {
  countStaffMembers,
  findTreatment,
  insertTreatment,
  listTreatments,
  replaceTreatmentStaff,
  updateTreatment,
  type TreatmentFields,
  type TreatmentRow,
} from './treatment-repo.ts';
import type { z } from 'zod';
import type { ResponseCache } from '../cache/response-cache.ts';
import { AVAILABILITY } from '../availability/availability-cache.ts';
import type { NewTreatmentBody, TreatmentPatchBody } from './treatment-schemas.ts';

type NewTreatment = z.infer<typeof NewTreatmentBody>;
type TreatmentPatch = z.infer<typeof TreatmentPatchBody>;

function toFields({ name, description, descriptions, staffUserIds: _, ...rest }: TreatmentPatch): TreatmentFields {
  return {
    ...rest,
    nameEn: name?.en,
    nameTh: name?.th,
    nameZh: name?.zh,
    description: description ?? descriptions?.en,
    descriptionTh: descriptions?.th,
    descriptionZh: descriptions?.zh,
  };
}

/** Replaces who performs the treatment; an id that is not a staff member of this clinic reads as not found. */
async function assignStaff(tx: Tx, clinicId: string, treatmentId: string, staffUserIds: string[] | undefined): Promise<void> {
  if (!staffUserIds) return;
  const unique = [...new Set(staffUserIds)];
  if ((await countStaffMembers(tx, clinicId, unique)) !== unique.length) throw notFound('staff member');
  await replaceTreatmentStaff(tx, clinicId, treatmentId, unique);
}

/** The response cache's name for the catalogue; every write to treatments drops it for the clinic. */
export const TREATMENT_CATALOGUE = 'treatments';

export function createTreatmentService(pool: pg.Pool, responses: ResponseCache) {
  // A treatment's duration, buffers and being active also decide its slots.
  const catalogueChanged = (clinicId: string) => responses.invalidate(clinicId, TREATMENT_CATALOGUE, AVAILABILITY);
  return {
    /**
     * Customers see only what can be booked; staff see the whole catalogue when they ask. The answer
     * depends only on the clinic and these two inputs, so every member of the clinic shares it.
     */
    list(actor: Actor, filter: { category?: string | undefined; includeInactive: boolean }): Promise<TreatmentRow[]> {
      const activeOnly = actor.role === 'customer' || !filter.includeInactive;
      const category = filter.category;
      return responses.read(actor, TREATMENT_CATALOGUE, JSON.stringify([activeOnly, category ?? null]), () =>
        withTenant(pool, actor, (tx) => listTreatments(tx, clinicOf(actor), { activeOnly, ...(category ? { category } : {}) }), {
          readOnly: true,
        }),
      );
    },

    async get(actor: Actor, id: string): Promise<TreatmentRow> {
      const row = await withTenant(pool, actor, (tx) => findTreatment(tx, clinicOf(actor), id));
      if (!row || (actor.role === 'customer' && !row.is_active)) throw notFound('treatment');
      return row;
    },

    async create(actor: Actor, input: NewTreatment, meta: RequestMeta): Promise<TreatmentRow> {
      const clinicId = clinicOf(actor);
      const created = await withTenant(pool, actor, async (tx) => {
        const { id } = await insertTreatment(tx, clinicId, {
          ...toFields(input),
          category: input.category,
          durationMinutes: input.durationMinutes,
          priceSatang: input.priceSatang,
        });
        await assignStaff(tx, clinicId, id, input.staffUserIds);
        await recordAuditBy(tx, actor, { clinicId, action: 'treatment.create', targetType: 'treatment', targetId: id }, meta);
        return (await findTreatment(tx, clinicId, id))!;
      });
      await catalogueChanged(clinicId);
      return created;
    },

    async update(actor: Actor, id: string, patch: TreatmentPatch, meta: RequestMeta): Promise<TreatmentRow> {
      const clinicId = clinicOf(actor);
      const updated = await withTenant(pool, actor, async (tx) => {
        if (!(await updateTreatment(tx, clinicId, id, toFields(patch)))) throw notFound('treatment');
        await assignStaff(tx, clinicId, id, patch.staffUserIds);
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
        return (await findTreatment(tx, clinicId, id))!;
      });
      await catalogueChanged(clinicId);
      return updated;
    },
  };
}

export type TreatmentService = ReturnType<typeof createTreatmentService>;
