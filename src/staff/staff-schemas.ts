import { z } from 'zod';
import { PageQuery, pageSchema } from '../http/pagination.ts';
import { Email, FullName, Locale, NewPassword, Phone, User } from '../users/user-schemas.ts';
import { ASSIGNABLE_ON_CREATE, STAFF_ROLES } from '../users/role-vocabulary.ts';

export const StaffRoleName = z.enum(STAFF_ROLES);

export const StaffListQuery = PageQuery.extend({
  role: StaffRoleName.optional(),
  // A query string carries text: z.coerce.boolean would read "false" as true.
  includeDisabled: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const CreateStaffBody = z
  .object({
    email: Email,
    fullName: FullName,
    phone: Phone.optional(),
    locale: Locale.optional(),
    role: z.enum(ASSIGNABLE_ON_CREATE),
    password: NewPassword,
  })
  .strict();

export const UpdateStaffBody = z
  .object({
    fullName: FullName.optional(),
    phone: Phone.nullable().optional(),
    locale: Locale.optional(),
    role: StaffRoleName.optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'send at least one field to change');

export const StaffPage = pageSchema(User);

export type StaffListQuery = z.infer<typeof StaffListQuery>;
export type CreateStaffInput = z.infer<typeof CreateStaffBody>;
export type UpdateStaffInput = z.infer<typeof UpdateStaffBody>;
