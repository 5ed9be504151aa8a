import { insertRows, type Column } from './batch-insert.ts';
import type { SeededCustomer, SeedStep } from './seed-step.ts';

const columns: Column<SeededCustomer>[] = [
  { name: 'id', type: 'uuid', value: (c) => c.id },
  { name: 'clinic_id', type: 'uuid', value: (c) => c.clinicId },
  { name: 'user_id', type: 'uuid', value: (c) => c.userId },
  { name: 'full_name', type: 'text', value: (c) => c.fullName },
  { name: 'email', type: 'text', value: (c) => c.email },
  { name: 'phone', type: 'text', value: (c) => c.phone },
  { name: 'date_of_birth', type: 'date', value: (c) => c.dateOfBirth },
  { name: 'notes', type: 'text', value: (c) => c.notes },
  { name: 'created_at', type: 'timestamptz', value: (c) => c.createdAt },
  { name: 'updated_at', type: 'timestamptz', value: (c) => c.createdAt },
];

/** The customer record of every customer account the users step made. */
export const customersStep: SeedStep = {
  table: 'customers',
  plannedRows: (world) => world.customers.length,
  write: (world, tx, progress) => insertRows(tx, 'customers', columns, world.customers, progress),
};
