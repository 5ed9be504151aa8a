import type { Actor, Tx } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import { findCustomer, findCustomerOfUser, type CustomerRow } from './customer-repo.ts';

// One rule for every service: a customer acts only for their own record; staff act for any customer of
// their clinic. A record outside the clinic, or another customer's, is "not found", never "forbidden",
// so nobody learns that another clinic's row exists.

export const isCustomer = (actor: Actor): boolean => actor.role === 'customer';

/** A customer's own record; undefined when the account has none. */
export function findOwnCustomer(tx: Tx, actor: Actor, clinicId: string): Promise<CustomerRow | undefined> {
  return findCustomerOfUser(tx, clinicId, actor.userId);
}

/** A customer's own record, or 404. */
export async function ownCustomer(tx: Tx, actor: Actor, clinicId: string): Promise<CustomerRow> {
  const own = await findOwnCustomer(tx, actor, clinicId);
  if (!own) throw notFound('customer record');
  return own;
}

/**
 * The customer a principal acts for: a customer's own record whatever they asked for, or the one staff
 * name when it is in their clinic (404 otherwise); undefined when staff named none.
 */
export async function customerActedFor(
  tx: Tx,
  actor: Actor,
  clinicId: string,
  requested: string | undefined,
): Promise<string | undefined> {
  if (isCustomer(actor)) return (await ownCustomer(tx, actor, clinicId)).id;
  if (requested === undefined) return undefined;
  if (!(await findCustomer(tx, clinicId, requested))) throw notFound('customer');
  return requested;
}

/**
 * The customer whose rows a principal may see: undefined for staff (every customer of the clinic), a
 * customer's own id for a customer; a customer without a record sees nothing, as 404 `what`.
 */
export async function visibleCustomerOf(tx: Tx, actor: Actor, clinicId: string, what: string): Promise<string | undefined> {
  if (!isCustomer(actor)) return undefined;
  const own = await findOwnCustomer(tx, actor, clinicId);
  if (!own) throw notFound(what);
  return own.id;
}
