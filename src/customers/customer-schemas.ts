import { z } from 'zod';
import { PageQuery, pageSchema } from '../http/pagination.ts';
import { Email, FullName, Phone } from '../users/user-schemas.ts';
import type { CustomerRow } from './customer-repo.ts';

const DateOfBirth = z.iso.date();
const Notes = z.string().max(5000);
const atLeastOneField = (b: Record<string, unknown>) => Object.values(b).some((v) => v !== undefined);

export const CustomerListQuery = PageQuery.extend({
  // An empty search box sends q= : that lists everyone rather than failing.
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => v || undefined)
    .describe('Part of a name, phone number or email, any case'),
});

export const CreateCustomerBody = z
  .object({
    fullName: FullName,
    email: Email.optional(),
    phone: Phone.optional(),
    dateOfBirth: DateOfBirth.optional(),
    notes: Notes.optional(),
  })
  .strict();

export const UpdateCustomerBody = z
  .object({
    fullName: FullName.optional(),
    email: Email.nullable().optional(),
    phone: Phone.nullable().optional(),
    dateOfBirth: DateOfBirth.nullable().optional(),
    notes: Notes.optional(),
  })
  .strict()
  .refine(atLeastOneField, 'send at least one field to change');

export const UpdateOwnCustomerBody = z
  .object({
    fullName: FullName.optional(),
    phone: Phone.nullable().optional(),
    dateOfBirth: DateOfBirth.nullable().optional(),
  })
  .strict()
  .refine(atLeastOneField, 'send at least one field to change');

export const Customer = z
  .object({
    id: z.uuid(),
    userId: z.uuid().nullable().describe('The customer account linked to this record; null for a walk-in record'),
    fullName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    dateOfBirth: z.iso.date().nullable(),
    notes: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Customer' });

// The clinic's notes about a customer are for its staff: a customer reading their own record does not see them.
export const OwnCustomer = Customer.omit({ notes: true }).meta({ id: 'OwnCustomer' });

export const CustomerPage = pageSchema(Customer);

export type CustomerListQuery = z.infer<typeof CustomerListQuery>;
export type CreateCustomerInput = z.infer<typeof CreateCustomerBody>;
export type UpdateCustomerInput = z.infer<typeof UpdateCustomerBody>;
export type UpdateOwnCustomerInput = z.infer<typeof UpdateOwnCustomerBody>;

export function toCustomer(row: CustomerRow): z.infer<typeof Customer> {
  return {
    id: row.id,
    userId: row.user_id,
    fullName: row.full_name,
    email: row.email,
    phone: row.phone,
    dateOfBirth: row.date_of_birth,
    notes: row.notes,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toOwnCustomer(row: CustomerRow): z.infer<typeof OwnCustomer> {
  const { notes: _staffOnly, ...own } = toCustomer(row);
  return own;
}
