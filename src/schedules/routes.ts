import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ScheduleService } from './schedule-service.ts';
import { CLINIC_MANAGERS, principalOf, STAFF_ROLES } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import { BookingRules, NewException, ScheduleException, StaffSchedule, WeeklyHours } from './schedule-schemas.ts';
import { toBookingRules, toScheduleException } from './schedule-service.ts';
import { NoContent } from '../http/response-schemas.ts';
import { IdParams } from '../http/id-params.ts';

export const scheduleRoutes: FastifyPluginAsyncZod<{ schedules: ScheduleService }> = async (app, { schedules }) => {
  const tags = ['schedules'];

  await app.register(
    guarded([...STAFF_ROLES, 'customer'], async (members) => {
      members.get(
        '/booking-rules',
        { schema: { tags, summary: "The clinic's booking and cancellation rules", response: { 200: BookingRules } } },
        async (request) => toBookingRules(await schedules.bookingRules(principalOf(request))),
      );
    }),
  );

  await app.register(
    guarded(STAFF_ROLES, async (staff) => {
      staff.get(
        '/staff/:id/schedule',
        {
          schema: {
            tags,
            params: IdParams,
            querystring: z.object({ from: z.iso.datetime({ offset: true }).optional() }),
            response: { 200: StaffSchedule },
          },
        },
        async (request) =>
          schedules.schedule(
            principalOf(request),
            request.params.id,
            request.query.from ? new Date(request.query.from) : new Date(),
          ),
      );
    }),
  );

  await app.register(
    guarded(CLINIC_MANAGERS, async (managers) => {
      managers.put('/booking-rules', { schema: { tags, body: BookingRules, response: { 200: BookingRules } } }, async (request) =>
        toBookingRules(await schedules.saveBookingRules(principalOf(request), request.body, requestMeta(request))),
      );
      managers.put(
        '/staff/:id/working-hours',
        {
          schema: {
            tags,
            summary: 'Replace the weekly working hours (clinic local time)',
            params: IdParams,
            body: z.object({ weeklyHours: WeeklyHours }).strict(),
            response: { 204: NoContent },
          },
        },
        async (request, reply) => {
          await schedules.setWorkingHours(
            principalOf(request),
            request.params.id,
            request.body.weeklyHours,
            requestMeta(request),
          );
          return reply.code(204).send();
        },
      );
      managers.put(
        '/staff/:id/treatments',
        {
          schema: {
            tags,
            summary: 'Replace the treatments this staff member performs',
            params: IdParams,
            body: z.object({ treatmentIds: z.array(z.uuid()).max(500) }).strict(),
            response: { 204: NoContent },
          },
        },
        async (request, reply) => {
          await schedules.setTreatments(principalOf(request), request.params.id, request.body.treatmentIds, requestMeta(request));
          return reply.code(204).send();
        },
      );
      managers.post(
        '/staff/:id/exceptions',
        {
          schema: {
            tags,
            summary: 'Add leave or an extra shift',
            params: IdParams,
            body: NewException,
            response: { 201: ScheduleException },
          },
        },
        async (request, reply) => {
          const e = await schedules.addException(principalOf(request), request.params.id, request.body, requestMeta(request));
          return reply.code(201).send(toScheduleException(e));
        },
      );
      managers.delete(
        '/staff/:id/exceptions/:exceptionId',
        {
          schema: {
            tags,
            summary: 'Remove leave or an extra shift',
            params: IdParams.extend({ exceptionId: z.uuid() }),
            response: { 204: NoContent },
          },
        },
        async (request, reply) => {
          await schedules.removeException(
            principalOf(request),
            request.params.id,
            request.params.exceptionId,
            requestMeta(request),
          );
          return reply.code(204).send();
        },
      );
    }),
  );
};
