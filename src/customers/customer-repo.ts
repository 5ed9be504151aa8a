import { newestFirst } from '../db/keyset.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Cursor } from '../http/pagination.ts';

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

export interface CustomerListFilter {
  q?: string | undefined;
  after: Cursor | null;
  limit: number;
}

/**
 * Newest first, keyset by (created_at, id) on customers_clinic_id_created_at_idx. The search is a
 * contains-match (ILIKE) served by the trigram indexes of migration 0007.
 */
export async function listCustomers(tx: Tx, clinicId: string, f: CustomerListFilter): Promise<CustomerRow[]> {
  const params: unknown[] = [clinicId];
  const where = ['clinic_id = $1'];
  if (f.q) {
    params.push(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const p = `$${params.length}`;
    // Through search_customer_ids (migration 0010): under RLS, ILIKE here could not use the trigram indexes.
    where.push(`id IN (SELECT search_customer_ids($1, ${p}))`);
  }
  return newestFirst<CustomerRow>(tx, 'customers', CUSTOMER_COLUMNS, { where, params }, f);
}

export async function findCustomer(tx: Tx, clinicId: string, id: string): Promise<CustomerRow | undefined> {
  const { rows } = await tx.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE clinic_id = $1 AND id = $2`, [
    clinicId,
    id,
  ]);
  return rows[0];
}

export async function findCustomerOfUser(tx: Tx, clinicId: string, userId: string): Promise<CustomerRow | undefined> {
  const { rows } = await tx.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE clinic_id = $1 AND user_id = $2`,
    [clinicId, userId],
  );
  return rows[0];
}

export interface CustomerChanges {
  fullName?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  dateOfBirth?: string | null | undefined;
  notes?: string | undefined;
}

/** Sets only the fields present in `changes`. */
export async function updateCustomer(
  tx: Tx,
  clinicId: string,
  id: string,
  changes: CustomerChanges,
): Promise<CustomerRow | undefined> {
  const columns = {
    fullName: 'full_name',
    email: 'email',
    phone: 'phone',
    dateOfBirth: 'date_of_birth',
    notes: 'notes',
  } as const;
  const params: unknown[] = [clinicId, id];
  const sets = ['updated_at = now()'];
  for (const [key, column] of Object.entries(columns) as [keyof CustomerChanges, string][]) {
    if (changes[key] === undefined) continue;
    params.push(changes[key]);
    sets.push(column === 'email' ? `email = lower($${params.length})` : `${column} = $${params.length}`);
  }
  const { rows } = await tx.query<CustomerRow>(
    `UPDATE customers SET ${sets.join(', ')} WHERE clinic_id = $1 AND id = $2 RETURNING ${CUSTOMER_COLUMNS}`,
    params,
  );
  return rows[0];
}

export async function deleteCustomer(tx: Tx, clinicId: string, id: string): Promise<boolean> {
  const { rowCount } = await tx.query('DELETE FROM customers WHERE clinic_id = $1 AND id = $2', [clinicId, id]);
  return rowCount === 1;
}

/**
 * Locks the customer's row until the transaction ends, so a customer's concurrent requests that
 * check something about the customer and then add to it (allowance, booking cap, same photo) run
 * one after another. NO KEY UPDATE does not block inserts that merely refer to the customer.
 */
export async function lockCustomer(tx: Tx, clinicId: string, customerId: string): Promise<void> {
  await tx.query('SELECT 1 FROM customers WHERE clinic_id = $1 AND id = $2 FOR NO KEY UPDATE', [clinicId, customerId]);
}
