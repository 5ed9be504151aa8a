import type pg from 'pg';
import { recordAuditBy, type AuditEntry, type RequestMeta } from '../audit/audit-log.ts';
import type { SessionCache } from '../auth/session-cache.ts';
import { clinicOf, readInTenant, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import { decodeCursor, pageByCreation } from '../http/pagination.ts';
import { revokeSessionsOfClinicUser, setClinicUserDisabled, updateClinicUser } from '../users/user-repo.ts';
import {
  deleteCustomer,
  findCustomer,
  insertCustomer,
  listCustomers,
  updateCustomer,
  type CustomerRow,
} from './customer-repo.ts';
import { ownCustomer } from './customer-access.ts';
import type { CreateCustomerInput, CustomerListQuery, UpdateCustomerInput, UpdateOwnCustomerInput } from './customer-schemas.ts';

export function createCustomerService(pool: pg.Pool, sessions: SessionCache) {
  const audit = (
    tx: Tx,
    actor: Actor,
    action: string,
    customerId: string,
    meta: RequestMeta,
    metadata?: AuditEntry['metadata'],
  ) =>
    recordAuditBy(
      tx,
      actor,
      { clinicId: actor.clinicId, action, targetType: 'customer', targetId: customerId, ...(metadata ? { metadata } : {}) },
      meta,
    );
  const changedFields = (changes: object) => Object.entries(changes).flatMap(([k, v]) => (v === undefined ? [] : [k]));

  async function findOrThrow(tx: Tx, clinicId: string, id: string): Promise<CustomerRow> {
    const customer = await findCustomer(tx, clinicId, id);
    if (!customer) throw notFound('customer');
    return customer;
  }

  return {
    async list(actor: Actor, query: CustomerListQuery) {
      const clinicId = clinicOf(actor);
      const after = decodeCursor(query.cursor);
      const rows = await readInTenant(pool, actor, (tx) =>
        listCustomers(tx, clinicId, { q: query.q, after, limit: query.limit }),
      );
      return pageByCreation(rows, query.limit);
    },

    async get(actor: Actor, id: string): Promise<CustomerRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, (tx) => findOrThrow(tx, clinicId, id), { readOnly: true });
    },

    /** A record without an account: a walk-in, or a customer booked by phone. */
    async create(actor: Actor, input: CreateCustomerInput, meta: RequestMeta): Promise<CustomerRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const customer = await insertCustomer(tx, { clinicId, ...input });
        await audit(tx, actor, 'customer.create', customer.id, meta);
        return customer;
      });
    },

    async update(actor: Actor, id: string, changes: UpdateCustomerInput, meta: RequestMeta): Promise<CustomerRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const updated = await updateCustomer(tx, clinicId, id, changes);
        if (!updated) throw notFound('customer');
        await audit(tx, actor, 'customer.update', id, meta, { fields: changedFields(changes) });
        return updated;
      });
    },

    /**
     * Deletes the record. A customer who has an account loses it too: the account is disabled and its
     * sessions end, so nobody is left signed in to a clinic that no longer has their record. The
     * account row stays, disabled, because audit entries name it.
     */
    async remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
      const clinicId = clinicOf(actor);
      const accountId = await withTenant(pool, actor, async (tx) => {
        const customer = await findOrThrow(tx, clinicId, id);
        let revokedSessions = 0;
        if (customer.user_id) {
          await setClinicUserDisabled(tx, clinicId, customer.user_id, true);
          revokedSessions = await revokeSessionsOfClinicUser(tx, customer.user_id);
        }
        await deleteCustomer(tx, clinicId, id);
        await audit(tx, actor, 'customer.delete', id, meta, {
          userId: customer.user_id,
          accountDisabled: customer.user_id !== null,
          revokedSessions,
        });
        return customer.user_id;
      });
      if (accountId) await sessions.forget({ userId: accountId });
    },

    async getOwn(actor: Actor): Promise<CustomerRow> {
      const clinicId = clinicOf(actor);
      return withTenant(
        pool,
        actor,
        async (tx) => {
          return ownCustomer(tx, actor, clinicId);
        },
        { readOnly: true },
      );
    },

    /** Name and phone are also the account's: they change on both, so /api/me agrees with the record. */
    async updateOwn(actor: Actor, changes: UpdateOwnCustomerInput, meta: RequestMeta): Promise<CustomerRow> {
      const clinicId = clinicOf(actor);
      const updated = await withTenant(pool, actor, async (tx) => {
        const own = await ownCustomer(tx, actor, clinicId);
        const updated = (await updateCustomer(tx, clinicId, own.id, changes))!;
        if (changes.fullName !== undefined || changes.phone !== undefined) {
          await updateClinicUser(tx, clinicId, actor.userId, { fullName: changes.fullName, phone: changes.phone });
        }
        await audit(tx, actor, 'customer.update', own.id, meta, { fields: changedFields(changes) });
        return updated;
      });
      if (changes.fullName !== undefined || changes.phone !== undefined) await sessions.forget({ userId: actor.userId });
      return updated;
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
