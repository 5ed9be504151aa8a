import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { DateTime } from 'luxon';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { assertEmailVerifiedWhereRequired } from '../auth/email-verification.ts';
import { AVAILABILITY, availabilityWriter } from '../availability/availability-cache.ts';
import { findSlots, localDate } from '../availability/slot-finder.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import type { Slot } from '../availability/available-slots.ts';
import type { ClinicService } from '../clinics/clinic-service.ts';
import { customerActedFor, findOwnCustomer, isCustomer, visibleCustomerOf } from '../customers/customer-access.ts';
import { findCustomer, insertCustomer } from '../customers/customer-repo.ts';
import { clinicOf, readInTenant, withTenant, type Actor, type Tx } from '../db/tenant-transaction.ts';
import { AppError, invalid, notFound } from '../errors/app-error.ts';
import { findBookingRules } from '../schedules/schedule-repo.ts';
import { findTreatment, type TreatmentRow } from '../treatments/treatment-repo.ts';
import type { AppointmentStatus } from './appointment-moves.ts';
import { assertReschedulable, assertTransition } from './appointment-states.ts';
import {
  findCalendarEntry,
  insertAppointment,
  listCalendar,
  listForCustomer,
  lockAppointment,
  moveAppointment,
  setStatus,
  type AppointmentRow,
  type CalendarFilter,
  type CalendarRow,
} from './appointment-repo.ts';
import { assertBelowBookingCap } from './booking-cap.ts';
import { cancellationFee, type CancellationFee } from './cancellation-fee.ts';
import { scheduleReminders, withdrawReminders } from './appointment-reminders.ts';
import type { NotificationOutbox } from '../notifications/notification-outbox.ts';
import { noticeAppointmentChange } from './appointment-notices.ts';

export interface BookingInput {
  treatmentId: string;
  startsAt: string;
  staffUserId?: string | undefined;
  customerId?: string | undefined;
  newCustomer?: { fullName: string; phone?: string | undefined; email?: string | undefined } | undefined;
  notes?: string | undefined;
}

const MAX_CALENDAR_DAYS = 31;

export function createAppointmentService(
  pool: pg.Pool,
  clinics: ClinicService,
  jobs: PgBoss,
  responses: ResponseCache,
  outbox: NotificationOutbox,
  clock: () => Date = () => new Date(),
) {
  const changingAvailability = availabilityWriter(pool, responses);
  const timeZoneOf = async (actor: Actor) => (await clinics.clinicSummary(actor))!.timeZone;

  /** A customer acts only on their own record; staff name the customer. */
  async function customerFor(
    tx: Tx,
    actor: Actor,
    clinicId: string,
    input: Pick<BookingInput, 'customerId' | 'newCustomer'>,
    meta: RequestMeta,
  ): Promise<string> {
    const actedFor = await customerActedFor(tx, actor, clinicId, input.customerId);
    if (actedFor) return actedFor;
    if (input.newCustomer) {
      const created = await insertCustomer(tx, { clinicId, ...input.newCustomer });
      await recordAuditBy(
        tx,
        actor,
        { clinicId, action: 'customer.create', targetType: 'customer', targetId: created.id, metadata: { via: 'booking' } },
        meta,
      );
      return created.id;
    }
    throw invalid('Name the customer: customerId, or newCustomer for a walk-in.', [
      { path: 'body.customerId', message: 'required for staff bookings' },
    ]);
  }

  async function bookableTreatment(tx: Tx, clinicId: string, treatmentId: string): Promise<TreatmentRow> {
    const treatment = await findTreatment(tx, clinicId, treatmentId);
    if (!treatment || !treatment.is_active) throw notFound('treatment');
    return treatment;
  }

  /** The offered slot at exactly `startsAt`, for the wanted staff member if one is named. */
  async function slotAt(
    tx: Tx,
    actor: Actor,
    clinicId: string,
    timeZone: string,
    treatment: TreatmentRow,
    startsAt: Date,
    staffUserId: string | undefined,
    exceptAppointmentId?: string,
  ): Promise<Slot> {
    const day = localDate(startsAt, timeZone);
    const slots = await findSlots(tx, {
      clinicId,
      timeZone,
      treatment,
      fromDate: day,
      toDate: day,
      staffUserId,
      now: clock(),
      ignoreNotice: !isCustomer(actor),
      ...(exceptAppointmentId ? { exceptAppointmentId } : {}),
    });
    const slot = slots.find((s) => Date.parse(s.startsAt) === startsAt.getTime());
    if (!slot) throw new AppError('slot-unavailable');
    return slot;
  }

  const audit = (
    tx: Tx,
    actor: Actor,
    clinicId: string,
    action: string,
    appointmentId: string,
    metadata: Record<string, unknown>,
    meta: RequestMeta,
  ) => recordAuditBy(tx, actor, { clinicId, action, targetType: 'appointment', targetId: appointmentId, metadata }, meta);

  async function loadForChange(tx: Tx, actor: Actor, clinicId: string, id: string): Promise<AppointmentRow> {
    const customerId = await visibleCustomerOf(tx, actor, clinicId, 'appointment');
    const row = await lockAppointment(tx, clinicId, id, customerId);
    if (!row) throw notFound('appointment');
    return row;
  }

  async function feeFor(tx: Tx, clinicId: string, row: AppointmentRow): Promise<CancellationFee> {
    const rules = await findBookingRules(tx, clinicId);
    return cancellationFee(Number(row.price_satang), row.starts_at, clock(), rules.cancellation_fees);
  }

  return {
    async slots(
      actor: Actor,
      q: { treatmentId: string; fromDate: string; toDate: string; staffUserId?: string | undefined },
    ): Promise<Slot[]> {
      const clinicId = clinicOf(actor);
      const days = DateTime.fromISO(q.toDate).diff(DateTime.fromISO(q.fromDate), 'days').days;
      if (days < 0 || days > MAX_CALENDAR_DAYS)
        throw invalid(`toDate must be on or after fromDate and at most ${MAX_CALENDAR_DAYS} days later.`, [
          { path: 'querystring.toDate', message: 'out of range' },
        ]);
      const timeZone = await timeZoneOf(actor);
      // Shared by everyone in the clinic: computed without the minimum notice, which is applied below
      // for customers against the current time. Within the cache's lifetime the far end of the booking
      // horizon can lag by as much; booking checks the slot again, uncached.
      const computed = await responses.read(
        actor,
        AVAILABILITY,
        JSON.stringify([q.treatmentId, q.fromDate, q.toDate, q.staffUserId ?? null, timeZone]),
        () =>
          withTenant(
            pool,
            actor,
            async (tx) => {
              const treatment = await bookableTreatment(tx, clinicId, q.treatmentId);
              const rules = await findBookingRules(tx, clinicId);
              const slots = await findSlots(tx, {
                clinicId,
                timeZone,
                treatment,
                fromDate: q.fromDate,
                toDate: q.toDate,
                staffUserId: q.staffUserId,
                now: clock(),
                ignoreNotice: true,
              });
              return { slots, minNoticeMinutes: rules.min_notice_minutes };
            },
            { readOnly: true },
          ),
      );
      const earliest = clock().getTime() + (isCustomer(actor) ? computed.minNoticeMinutes * 60_000 : 0);
      return computed.slots.filter((slot) => Date.parse(slot.startsAt) >= earliest);
    },

    /**
     * Books a slot. The availability check gives a clear answer in the common case; the exclusion
     * constraint settles races, so two requests for one slot never both succeed.
     */
    async book(actor: Actor, input: BookingInput, meta: RequestMeta): Promise<CalendarRow> {
      const clinicId = clinicOf(actor);
      const timeZone = await timeZoneOf(actor);
      return changingAvailability(actor, async (tx) => {
        await assertEmailVerifiedWhereRequired(tx, actor, clinicId);
        const customerId = await customerFor(tx, actor, clinicId, input, meta);
        if (isCustomer(actor)) await assertBelowBookingCap(tx, clinicId, customerId, clock());
        const treatment = await bookableTreatment(tx, clinicId, input.treatmentId);
        const startsAt = new Date(input.startsAt);
        const slot = await slotAt(tx, actor, clinicId, timeZone, treatment, startsAt, input.staffUserId);
        const row = await insertAppointment(tx, {
          clinicId,
          customerId,
          treatmentId: treatment.id,
          staffUserId: slot.staffUserIds[0]!,
          roomId: slot.roomIds[0] ?? null,
          startsAt,
          endsAt: new Date(slot.endsAt),
          bufferBeforeMinutes: treatment.buffer_before_minutes,
          bufferAfterMinutes: treatment.buffer_after_minutes,
          priceSatang: Number(treatment.price_satang),
          notes: input.notes ?? '',
          createdByUserId: actor.userId,
        });
        await scheduleReminders(tx, jobs, row, clock());
        await noticeAppointmentChange(tx, outbox, actor, { clinicId, id: row.id }, 'booked');
        await audit(
          tx,
          actor,
          clinicId,
          'appointment.book',
          row.id,
          { customerId, staffUserId: row.staff_user_id, roomId: row.room_id, startsAt: input.startsAt },
          meta,
        );
        return (await findCalendarEntry(tx, clinicId, row.id))!;
      });
    },

    async get(actor: Actor, id: string): Promise<CalendarRow> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const customerId = await visibleCustomerOf(tx, actor, clinicId, 'appointment');
        const row = await findCalendarEntry(tx, clinicId, id, customerId);
        if (!row) throw notFound('appointment');
        return row;
      });
    },

    calendar(actor: Actor, filter: CalendarFilter): Promise<CalendarRow[]> {
      const days = (filter.until.getTime() - filter.from.getTime()) / 86_400_000;
      if (days <= 0 || days > MAX_CALENDAR_DAYS)
        throw invalid(`until must be after from and at most ${MAX_CALENDAR_DAYS} days later.`, [
          { path: 'querystring.until', message: 'out of range' },
        ]);
      return readInTenant(pool, actor, (tx) => listCalendar(tx, clinicOf(actor), filter));
    },

    mine(actor: Actor, when: 'upcoming' | 'past', limit: number): Promise<CalendarRow[]> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const own = await findOwnCustomer(tx, actor, clinicId);
        return own ? listForCustomer(tx, clinicId, own.id, when, clock(), limit) : [];
      });
    },

    /** A customer's visits for their profile, as staff see them. */
    history(actor: Actor, customerId: string, when: 'upcoming' | 'past', limit: number): Promise<CalendarRow[]> {
      const clinicId = clinicOf(actor);
      return withTenant(
        pool,
        actor,
        async (tx) => {
          if (!(await findCustomer(tx, clinicId, customerId))) throw notFound('customer');
          return listForCustomer(tx, clinicId, customerId, when, clock(), limit);
        },
        { readOnly: true },
      );
    },

    /** What cancelling now would cost, and whether a customer may still move it instead. */
    async cancellationQuote(actor: Actor, id: string): Promise<CancellationFee & { canReschedule: boolean }> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const row = await loadForChange(tx, actor, clinicId, id);
        const fee = await feeFor(tx, clinicId, row);
        const movable = row.status === 'scheduled' || row.status === 'confirmed';
        return { ...fee, canReschedule: movable && (!isCustomer(actor) || fee.feeSatang === 0) };
      });
    },

    async cancel(
      actor: Actor,
      id: string,
      input: { reason?: string | undefined; acceptFeeSatang?: number | undefined; waiveFee?: boolean | undefined },
      meta: RequestMeta,
    ): Promise<CalendarRow> {
      const clinicId = clinicOf(actor);
      return changingAvailability(actor, async (tx) => {
        const row = await loadForChange(tx, actor, clinicId, id);
        assertTransition(row.status, 'cancelled', actor.role, row.starts_at, clock());
        const waived = input.waiveFee === true && (actor.role === 'clinic_owner' || actor.role === 'clinic_admin');
        if (input.waiveFee && !waived)
          throw new AppError('forbidden', 'Only a clinic owner or admin can waive a cancellation fee.');
        const fee = waived ? { feeSatang: 0, feePercent: 0 } : await feeFor(tx, clinicId, row);
        if (fee.feeSatang > 0 && input.acceptFeeSatang !== fee.feeSatang) {
          throw new AppError('fee-confirmation-required', `Cancelling now costs ${fee.feePercent}% of the price.`, {
            feeSatang: fee.feeSatang,
            feePercent: fee.feePercent,
          });
        }
        await setStatus(tx, row.id, 'cancelled', { feeSatang: fee.feeSatang, reason: input.reason ?? null });
        await withdrawReminders(tx, jobs, row.id);
        await noticeAppointmentChange(tx, outbox, actor, { clinicId, id: row.id }, 'cancelled', fee.feeSatang);
        await audit(
          tx,
          actor,
          clinicId,
          'appointment.cancel',
          row.id,
          { customerId: row.customer_id, from: row.status, feeSatang: fee.feeSatang, waived, reason: input.reason ?? null },
          meta,
        );
        return (await findCalendarEntry(tx, clinicId, row.id))!;
      });
    },

    async reschedule(
      actor: Actor,
      id: string,
      input: { startsAt: string; staffUserId?: string | undefined },
      meta: RequestMeta,
    ): Promise<CalendarRow> {
      const clinicId = clinicOf(actor);
      const timeZone = await timeZoneOf(actor);
      return changingAvailability(actor, async (tx) => {
        const row = await loadForChange(tx, actor, clinicId, id);
        assertReschedulable(row.status);
        if (isCustomer(actor) && (await feeFor(tx, clinicId, row)).feeSatang > 0) throw new AppError('reschedule-window-closed');
        const treatment = await findTreatment(tx, clinicId, row.treatment_id);
        const startsAt = new Date(input.startsAt);
        const slot = await slotAt(
          tx,
          actor,
          clinicId,
          timeZone,
          treatment!,
          startsAt,
          input.staffUserId ?? row.staff_user_id,
          row.id,
        );
        const to = {
          startsAt,
          endsAt: new Date(slot.endsAt),
          staffUserId: slot.staffUserIds[0]!,
          roomId: slot.roomIds[0] ?? null,
        };
        await moveAppointment(tx, row.id, to);
        await withdrawReminders(tx, jobs, row.id);
        await scheduleReminders(tx, jobs, { ...row, starts_at: startsAt }, clock());
        await noticeAppointmentChange(tx, outbox, actor, { clinicId, id: row.id }, 'rescheduled');
        await audit(
          tx,
          actor,
          clinicId,
          'appointment.reschedule',
          row.id,
          { customerId: row.customer_id, from: row.starts_at.toISOString(), to: input.startsAt, staffUserId: to.staffUserId },
          meta,
        );
        return (await findCalendarEntry(tx, clinicId, row.id))!;
      });
    },

    /** Staff move an appointment along its states; cancelling has its own route because of the fee. */
    async transition(
      actor: Actor,
      id: string,
      to: Exclude<AppointmentStatus, 'cancelled' | 'scheduled'>,
      meta: RequestMeta,
    ): Promise<CalendarRow> {
      const clinicId = clinicOf(actor);
      return changingAvailability(actor, async (tx) => {
        const row = await loadForChange(tx, actor, clinicId, id);
        assertTransition(row.status, to, actor.role, row.starts_at, clock());
        await setStatus(tx, row.id, to);
        // Once the visit has begun (or was missed), reminders have nothing left to say.
        if (to !== 'confirmed') await withdrawReminders(tx, jobs, row.id);
        if (to === 'no_show') await noticeAppointmentChange(tx, outbox, actor, { clinicId, id: row.id }, 'no_show');
        await audit(
          tx,
          actor,
          clinicId,
          `appointment.${to}`,
          row.id,
          { customerId: row.customer_id, from: row.status, to },
          meta,
        );
        return (await findCalendarEntry(tx, clinicId, row.id))!;
      });
    },
  };
}

export type AppointmentService = ReturnType<typeof createAppointmentService>;
