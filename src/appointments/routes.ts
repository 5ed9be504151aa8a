import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import type { AppointmentService } from './appointment-service.ts';
import { principalOf, STAFF_ROLES } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import {
  Appointment,
  BookingBody,
  CalendarQuery,
  CancelBody,
  CancellationQuote,
  RescheduleBody,
  Slot,
  SlotQuery,
  toAppointment,
  TransitionBody,
} from './appointment-schemas.ts';
import type { CalendarRow } from './appointment-repo.ts';
import { IdParams } from '../http/id-params.ts';

const HistoryQuery = z.object({
  when: z.enum(['upcoming', 'past']).default('upcoming'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const appointmentRoutes: FastifyPluginAsyncZod<{ appointments: AppointmentService }> = async (app, { appointments }) => {
  const tags = ['appointments'];
  const view = (request: FastifyRequest, row: CalendarRow) =>
    toAppointment(row, { forCustomer: principalOf(request).role === 'customer' });

  await app.register(
    guarded([...STAFF_ROLES, 'customer'], async (members) => {
      members.get(
        '/availability',
        {
          schema: {
            tags,
            summary: 'Bookable slots for a treatment between two local dates (clinic time zone)',
            querystring: SlotQuery,
            response: { 200: z.array(Slot) },
          },
        },
        async (request) => appointments.slots(principalOf(request), request.query),
      );
      members.post(
        '/appointments',
        {
          schema: {
            tags,
            summary: 'Book a slot (customers for themselves, staff for a customer or a walk-in)',
            body: BookingBody,
            response: { 201: Appointment },
          },
        },
        async (request, reply) =>
          reply.code(201).send(view(request, await appointments.book(principalOf(request), request.body, requestMeta(request)))),
      );
      members.get('/appointments/:id', { schema: { tags, params: IdParams, response: { 200: Appointment } } }, async (request) =>
        view(request, await appointments.get(principalOf(request), request.params.id)),
      );
      members.get(
        '/appointments/:id/cancellation-quote',
        {
          schema: {
            tags,
            summary: 'The fee that cancelling now would cost',
            params: IdParams,
            response: { 200: CancellationQuote },
          },
        },
        async (request) => appointments.cancellationQuote(principalOf(request), request.params.id),
      );
      members.post(
        '/appointments/:id/cancel',
        { schema: { tags, params: IdParams, body: CancelBody, response: { 200: Appointment } } },
        async (request) =>
          view(request, await appointments.cancel(principalOf(request), request.params.id, request.body, requestMeta(request))),
      );
      members.post(
        '/appointments/:id/reschedule',
        { schema: { tags, params: IdParams, body: RescheduleBody, response: { 200: Appointment } } },
        async (request) =>
          view(
            request,
            await appointments.reschedule(principalOf(request), request.params.id, request.body, requestMeta(request)),
          ),
      );
    }),
  );

  await app.register(
    guarded(['customer'], async (customers) => {
      customers.get(
        '/appointments/mine',
        {
          schema: {
            tags,
            summary: "The signed-in customer's appointments",
            querystring: HistoryQuery,
            response: { 200: z.array(Appointment) },
          },
        },
        async (request) =>
          (await appointments.mine(principalOf(request), request.query.when, request.query.limit)).map((r) => view(request, r)),
      );
    }),
  );

  await app.register(
    guarded(STAFF_ROLES, async (staff) => {
      staff.get(
        '/appointments',
        {
          schema: {
            tags,
            summary: 'The clinic calendar between two instants (at most 31 days), by staff, room or customer',
            querystring: CalendarQuery,
            response: { 200: z.array(Appointment) },
          },
        },
        async (request) => {
          const { from, until, ...filter } = request.query;
          return (
            await appointments.calendar(principalOf(request), {
              ...filter,
              statuses: filter.status,
              from: new Date(from),
              until: new Date(until),
            })
          ).map((r) => view(request, r));
        },
      );
      staff.get(
        '/customers/:id/appointments',
        {
          schema: {
            tags,
            summary: "A customer's upcoming or past appointments (profile history)",
            params: IdParams,
            querystring: HistoryQuery,
            response: { 200: z.array(Appointment) },
          },
        },
        async (request) =>
          (await appointments.history(principalOf(request), request.params.id, request.query.when, request.query.limit)).map(
            (r) => view(request, r),
          ),
      );
      staff.post(
        '/appointments/:id/status',
        {
          schema: {
            tags,
            summary: 'Confirm, start, complete or mark a no-show',
            params: IdParams,
            body: TransitionBody,
            response: { 200: Appointment },
          },
        },
        async (request) =>
          view(
            request,
            await appointments.transition(principalOf(request), request.params.id, request.body.status, requestMeta(request)),
          ),
      );
    }),
  );
};
