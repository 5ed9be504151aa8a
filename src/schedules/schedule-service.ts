import type pg from 'pg';
import type { z } from 'zod';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { clinicOf, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import { availabilityWriter } from '../availability/availability-cache.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { isStaffRole } from '../users/role-vocabulary.ts';
import { findUserById } from '../users/user-repo.ts';
import { TREATMENT_CATALOGUE } from '../treatments/treatment-service.ts';
import {
  deleteException,
  exceptionsOf,
  findBookingRules,
  insertException,
  replaceStaffTreatments,
  replaceWorkingHours,
  saveBookingRules,
  treatmentIdsOf,
  workingHoursOf,
  type BookingRulesRow,
  type ScheduleExceptionRow,
} from './schedule-repo.ts';
import type { BookingRules, NewException, ScheduleException } from './schedule-schemas.ts';

async function assertStaffMember(tx: Tx, clinicId: string, staffUserId: string): Promise<void> {
  const user = await findUserById(tx, staffUserId);
  if (!user || user.clinic_id !== clinicId || !isStaffRole(user.role)) throw notFound('staff member');
}

export const toBookingRules = (r: BookingRulesRow): z.infer<typeof BookingRules> => ({
  minNoticeMinutes: r.min_notice_minutes,
  maxAdvanceDays: r.max_advance_days,
  slotIntervalMinutes: r.slot_interval_minutes as z.infer<typeof BookingRules>['slotIntervalMinutes'],
  cancellationFees: r.cancellation_fees,
});

export const toScheduleException = (e: ScheduleExceptionRow): z.infer<typeof ScheduleException> => ({
  id: e.id,
  kind: e.kind,
  startsAt: e.starts_at.toISOString(),
  endsAt: e.ends_at.toISOString(),
  note: e.note,
});

/** The response cache's name for a clinic's booking rules. */
const BOOKING_RULES = 'booking-rules';

export function createScheduleService(pool: pg.Pool, responses: ResponseCache) {
  // Every change here (hours, leave and extra shifts, who performs what, booking rules) moves availability.
  const changingAvailability = availabilityWriter(pool, responses);
  const audited = <T>(
    actor: Actor,
    action: string,
    targetId: string,
    work: (tx: Tx, clinicId: string) => Promise<T>,
    metadata: Record<string, unknown> = {},
    meta: RequestMeta,
  ) => {
    const clinicId = clinicOf(actor);
    return changingAvailability(actor, async (tx) => {
      const result = await work(tx, clinicId);
      await recordAuditBy(tx, actor, { clinicId, action, targetType: 'user', targetId, metadata }, meta);
      return result;
    });
  };

  return {
    /** Weekly hours, exceptions from `from` for 90 days, and the treatments the staff member performs. */
    schedule(actor: Actor, staffUserId: string, from: Date) {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        await assertStaffMember(tx, clinicId, staffUserId);
        const hours = await workingHoursOf(tx, clinicId, [staffUserId]);
        const exceptions = await exceptionsOf(tx, clinicId, [staffUserId], from, new Date(from.getTime() + 90 * 86_400_000));
        const treatmentIds = await treatmentIdsOf(tx, clinicId, staffUserId);
        return {
          staffUserId,
          weeklyHours: hours.map((h) => ({ weekday: h.weekday, start: h.start_time, end: h.end_time })),
          exceptions: exceptions.map(toScheduleException),
          treatmentIds,
        };
      });
    },

    setWorkingHours(
      actor: Actor,
      staffUserId: string,
      hours: { weekday: number; start: string; end: string }[],
      meta: RequestMeta,
    ) {
      return audited(
        actor,
        'schedule.working_hours_set',
        staffUserId,
        async (tx, clinicId) => {
          await assertStaffMember(tx, clinicId, staffUserId);
          await replaceWorkingHours(tx, clinicId, staffUserId, hours);
        },
        { hours },
        meta,
      );
    },

    addException(actor: Actor, staffUserId: string, e: z.infer<typeof NewException>, meta: RequestMeta) {
      return audited(
        actor,
        'schedule.exception_add',
        staffUserId,
        async (tx, clinicId) => {
          await assertStaffMember(tx, clinicId, staffUserId);
          return insertException(tx, clinicId, staffUserId, e);
        },
        { kind: e.kind, startsAt: e.startsAt, endsAt: e.endsAt },
        meta,
      );
    },

    removeException(actor: Actor, staffUserId: string, exceptionId: string, meta: RequestMeta) {
      return audited(
        actor,
        'schedule.exception_remove',
        staffUserId,
        async (tx, clinicId) => {
          if (!(await deleteException(tx, clinicId, staffUserId, exceptionId))) throw notFound('schedule exception');
        },
        { exceptionId },
        meta,
      );
    },

    async setTreatments(actor: Actor, staffUserId: string, treatmentIds: string[], meta: RequestMeta) {
      await audited(
        actor,
        'schedule.treatments_set',
        staffUserId,
        async (tx, clinicId) => {
          await assertStaffMember(tx, clinicId, staffUserId);
          // A treatment of another clinic fails the composite foreign key and reads as not found.
          await replaceStaffTreatments(tx, clinicId, staffUserId, [...new Set(treatmentIds)]);
        },
        { treatmentIds },
        meta,
      );
      // The catalogue lists who performs each treatment.
      await responses.invalidate(clinicOf(actor), TREATMENT_CATALOGUE);
    },

    /** The same for everyone in the clinic: read through the response cache, dropped when the rules are saved. */
    bookingRules(actor: Actor): Promise<BookingRulesRow> {
      return responses.read(actor, BOOKING_RULES, 'all', () =>
        withTenant(pool, actor, (tx) => findBookingRules(tx, clinicOf(actor)), { readOnly: true }),
      );
    },

    async saveBookingRules(actor: Actor, rules: z.infer<typeof BookingRules>, meta: RequestMeta): Promise<BookingRulesRow> {
      const clinicId = clinicOf(actor);
      const result = await changingAvailability(actor, async (tx) => {
        const saved = await saveBookingRules(tx, clinicId, rules);
        await recordAuditBy(
          tx,
          actor,
          { clinicId, action: 'clinic.booking_rules_update', targetType: 'clinic', targetId: clinicId, metadata: rules },
          meta,
        );
        return saved;
      });
      await responses.invalidate(clinicId, BOOKING_RULES);
      return result;
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
