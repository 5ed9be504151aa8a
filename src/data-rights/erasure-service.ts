import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { removeImagesAfterCommit } from '../analysis/image-removal-job.ts';
import { withdrawReminders } from '../appointments/appointment-reminders.ts';
import { setStatus } from '../appointments/appointment-repo.ts';
import { availabilityWriter } from '../availability/availability-cache.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { SessionCache } from '../auth/session-cache.ts';
import { ownCustomer } from '../customers/customer-access.ts';
import { deleteCustomer, findCustomer, lockCustomer } from '../customers/customer-repo.ts';
import { clinicOf, withTenant, type Actor } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import { revokeSessionsOfClinicUser } from '../users/user-repo.ts';
import {
  anonymiseAccount,
  deleteAnalysesOf,
  deleteConsentsAndNotifications,
  detachAppointments,
  findOpenErasureRequest,
  forgetEmailInAuditLog,
  listOpenErasureRequests,
  markErased,
  openErasureRequest,
  upcomingAppointmentIds,
} from './erasure-repo.ts';

export interface ErasureServiceDeps {
  pool: pg.Pool;
  jobs: PgBoss;
  sessions: SessionCache;
  responses: Pick<ResponseCache, 'invalidate'>;
}

/** A customer's right to be forgotten: asked for by the customer, carried out by the clinic's managers. */
export function createErasureService({ pool, jobs, sessions, responses }: ErasureServiceDeps) {
  // Upcoming appointments are cancelled: their slots become bookable again.
  const changingAvailability = availabilityWriter(pool, responses);
  return {
    /** Records the signed-in customer's request (asking again keeps the first); the clinic's managers see it. */
    async request(actor: Actor, meta: RequestMeta): Promise<{ requestedAt: string }> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const own = await ownCustomer(tx, actor, clinicId);
        const requestedAt = await openErasureRequest(tx, clinicId, own.id);
        await recordAuditBy(
          tx,
          actor,
          { clinicId, action: 'customer.erasure_request', targetType: 'customer', targetId: own.id },
          meta,
        );
        return { requestedAt: requestedAt.toISOString() };
      });
    },

    /** The signed-in customer's open request, if any. */
    async ownRequest(actor: Actor): Promise<{ requestedAt: string | null }> {
      const clinicId = clinicOf(actor);
      return withTenant(
        pool,
        actor,
        async (tx) => {
          const own = await ownCustomer(tx, actor, clinicId);
          return { requestedAt: (await findOpenErasureRequest(tx, clinicId, own.id))?.toISOString() ?? null };
        },
        { readOnly: true },
      );
    },

    async openRequests(actor: Actor) {
      const clinicId = clinicOf(actor);
      const rows = await withTenant(pool, actor, (tx) => listOpenErasureRequests(tx, clinicId), { readOnly: true });
      return rows.map((r) => ({
        customerId: r.customer_id,
        customerName: r.customer_name,
        requestedAt: r.requested_at.toISOString(),
      }));
    },

    /**
     * Erases a customer in one transaction: analyses, consents and notifications deleted, upcoming
     * appointments cancelled, the others kept for the accounts with no link to anyone, the account made
     * unusable, the record deleted, and a job enqueued that deletes the images from storage (retried
     * until storage answers; the transaction never waits on it). The audit entry holds counts, not data.
     */
    async erase(actor: Actor, customerId: string, meta: RequestMeta): Promise<void> {
      const clinicId = clinicOf(actor);
      // Hashed before the transaction: it takes a few milliseconds of CPU that no lock should wait on.
      const unusablePassword = await hashPassword(randomBytes(32).toString('base64url'));
      const accountId = await changingAvailability(actor, async (tx) => {
        const customer = await findCustomer(tx, clinicId, customerId);
        if (!customer) throw notFound('customer');
        await lockCustomer(tx, clinicId, customerId);
        const images = await deleteAnalysesOf(tx, clinicId, customerId);
        const cancelled = await upcomingAppointmentIds(tx, clinicId, customerId, new Date());
        for (const appointmentId of cancelled) {
          await withdrawReminders(tx, jobs, appointmentId);
          await setStatus(tx, appointmentId, 'cancelled', { feeSatang: 0, reason: null });
        }
        await deleteConsentsAndNotifications(tx, clinicId, customerId, customer.user_id);
        const keptAppointments = await detachAppointments(tx, clinicId, customerId, customer.user_id);
        const emails = new Set(customer.email ? [customer.email] : []);
        if (customer.user_id) {
          emails.add(await anonymiseAccount(tx, clinicId, customer.user_id, unusablePassword));
          await revokeSessionsOfClinicUser(tx, customer.user_id);
        }
        for (const email of emails) await forgetEmailInAuditLog(tx, email);
        await markErased(tx, clinicId, customerId, actor.userId);
        await deleteCustomer(tx, clinicId, customerId);
        await recordAuditBy(
          tx,
          actor,
          {
            clinicId,
            action: 'customer.erase',
            targetType: 'customer',
            targetId: customerId,
            metadata: {
              analyses: images.analysisIds.length,
              cancelledAppointments: cancelled.length,
              keptAppointments,
              accountClosed: customer.user_id !== null,
            },
          },
          meta,
        );
        await removeImagesAfterCommit(tx, jobs, { clinicId, ...images });
        return customer.user_id;
      });
      if (accountId) await sessions.forget({ userId: accountId });
    },
  };
}

export type ErasureService = ReturnType<typeof createErasureService>;
