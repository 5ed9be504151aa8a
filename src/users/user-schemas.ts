import { z } from 'zod';
import { LOCALES } from '../i18n/locale-vocabulary.ts';
import { ROLES } from './role-vocabulary.ts';
import type { UserRow } from './user-repo.ts';

export const Locale = z.enum(LOCALES);
export const Email = z
  .email()
  .max(254)
  .transform((v) => v.toLowerCase());
// Length bounds: argon2 cost grows with input, and very long inputs are a cheap denial of service.
export const NewPassword = z.string().min(10, 'at least 10 characters').max(200);
export const FullName = z.string().trim().min(1).max(200);
export const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,20}$/, 'a phone number');

export const User = z
  .object({
    id: z.uuid(),
    clinicId: z.uuid().nullable(),
    email: z.string(),
    role: z.enum(ROLES),
    fullName: z.string(),
    phone: z.string().nullable(),
    locale: Locale,
    lastSignInAt: z.iso.datetime().nullable(),
    disabledAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export function toUser(row: UserRow): z.infer<typeof User> {
  return {
    id: row.id,
    clinicId: row.clinic_id,
    email: row.email,
    role: row.role,
    fullName: row.full_name,
    phone: row.phone,
    locale: row.locale,
    lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
