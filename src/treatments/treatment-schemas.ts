import { z } from 'zod';
import type { TreatmentRow } from './treatment-repo.ts';
import { TREATMENT_CATEGORIES } from './treatment-vocabulary.ts';

const Name = z.string().trim().min(1).max(200);
export const TreatmentName = z.object({ en: Name.nullable(), th: Name.nullable(), zh: Name.nullable() }).partial().strict();

const Description = z.string().max(4000);
export const TreatmentDescriptions = z.object({ en: Description, th: Description, zh: Description }).partial().strict();

const fields = {
  name: TreatmentName,
  description: Description.meta({ description: 'The English description (also `descriptions.en`)' }),
  descriptions: TreatmentDescriptions,
  category: z.enum(TREATMENT_CATEGORIES),
  durationMinutes: z.number().int().min(5).max(600),
  priceSatang: z.number().int().min(0).max(100_000_000_00).meta({ description: 'Price in THB satang (1 THB = 100 satang)' }),
  bufferBeforeMinutes: z.number().int().min(0).max(240),
  bufferAfterMinutes: z.number().int().min(0).max(240),
  isActive: z.boolean(),
  staffUserIds: z
    .array(z.uuid())
    .max(500)
    .meta({ description: 'The staff members who perform it; the list replaces the previous one' }),
};

// `description` came first and is the English text; sending it and `descriptions.en` would say one thing twice.
const oneEnglishDescription = (b: { description?: string | undefined; descriptions?: { en?: string | undefined } | undefined }) =>
  b.description === undefined || b.descriptions?.en === undefined;
const englishOnce = {
  message: 'send the English description as description or descriptions.en, not both',
  path: ['descriptions'],
};

export const NewTreatmentBody = z
  .object({
    ...fields,
    description: fields.description.optional(),
    bufferBeforeMinutes: fields.bufferBeforeMinutes.default(0),
    bufferAfterMinutes: fields.bufferAfterMinutes.default(0),
    isActive: fields.isActive.default(true),
    descriptions: fields.descriptions.optional(),
    staffUserIds: fields.staffUserIds.optional(),
  })
  .strict()
  .refine((b) => b.name.en || b.name.th || b.name.zh, { message: 'a name in at least one language', path: ['name'] })
  .refine(oneEnglishDescription, englishOnce);
export const TreatmentPatchBody = z.object(fields).partial().strict().refine(oneEnglishDescription, englishOnce);

export const TreatmentListQuery = z.object({
  category: z.enum(TREATMENT_CATEGORIES).optional(),
  includeInactive: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
});

export const Treatment = z
  .object({
    id: z.uuid(),
    name: z.object({ en: z.string().nullable(), th: z.string().nullable(), zh: z.string().nullable() }),
    description: z.string().meta({ description: 'The English description, as descriptions.en' }),
    descriptions: z.object({ en: z.string(), th: z.string(), zh: z.string() }),
    category: z.enum(TREATMENT_CATEGORIES),
    durationMinutes: z.number().int(),
    priceSatang: z.number().int(),
    bufferBeforeMinutes: z.number().int(),
    bufferAfterMinutes: z.number().int(),
    isActive: z.boolean(),
    staffUserIds: z.array(z.uuid()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Treatment' });

export function toTreatment(row: TreatmentRow): z.infer<typeof Treatment> {
  return {
    id: row.id,
    name: { en: row.name_en, th: row.name_th, zh: row.name_zh },
    description: row.description,
    descriptions: { en: row.description, th: row.description_th, zh: row.description_zh },
    category: row.category as (typeof TREATMENT_CATEGORIES)[number],
    durationMinutes: row.duration_minutes,
    priceSatang: Number(row.price_satang),
    bufferBeforeMinutes: row.buffer_before_minutes,
    bufferAfterMinutes: row.buffer_after_minutes,
    isActive: row.is_active,
    staffUserIds: row.staff_user_ids,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
