import type { Tx } from '../db/tenant-transaction.ts';

export interface CustomerRow {
  id: string;
  clinic_id: string;
  user_id: string | null;
  full_name: string;
  email: string | null;
  phone: string | null;
  date_of_birth: string | null;
  notes: string;
  created_at: Date;
  updated_at: Date;
}

export const CUSTOMER_COLUMNS = `id, clinic_id, user_id, full_name, email, phone, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, notes, created_at, updated_at`;

export interface NewCustomer {
  clinicId: string;
  userId?: string | null;
  fullName: string;
  email?: string | null;
  phone?: string | null;
  dateOfBirth?: string | null;
  notes?: string;
}

export async function insertCustomer(tx: Tx, c: NewCustomer): Promise<CustomerRow> {
  const { rows } = await tx.query<CustomerRow>(
    `INSERT INTO customers (clinic_id, user_id, full_name, email, phone, date_of_birth, notes)
     VALUES ($1, $2, $3, lower($4), $5, $6, coalesce($7, '')) RETURNING ${CUSTOMER_COLUMNS}`,
    [c.clinicId, c.userId ?? null, c.fullName, c.email ?? null, c.phone ?? null, c.dateOfBirth ?? null, c.notes ?? null],
  );
  return rows[0]!;
}
