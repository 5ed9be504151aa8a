import type { StaffService } from './staff-service.ts';
import { CLINIC_MANAGERS, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import { toUser, User } from '../users/user-schemas.ts';
import { CreateStaffBody, StaffListQuery, StaffPage, UpdateStaffBody } from './staff-schemas.ts';
import { IdParams } from '../http/id-params.ts';

export const staffRoutes = guarded<{ staff: StaffService }>(CLINIC_MANAGERS, async (app, { staff }) => {
  const tags = ['staff'];

  app.get(
    '/staff',
    {
      schema: {
        tags,
        summary: "The clinic's staff accounts, newest first",
        querystring: StaffListQuery,
        response: { 200: StaffPage },
      },
    },
    async (request) => {
      const page = await staff.list(principalOf(request), request.query);
      return { items: page.items.map(toUser), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/staff/:id',
    { schema: { tags, summary: 'One staff account', params: IdParams, response: { 200: User } } },
    async (request) => toUser(await staff.get(principalOf(request), request.params.id)),
  );

  app.post(
    '/staff',
    {
      schema: {
        tags,
        summary: "Create a staff account with an initial password, within the plan's user limit",
        body: CreateStaffBody,
        response: { 201: User },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toUser(await staff.create(principalOf(request), request.body, requestMeta(request)))),
  );

  app.patch(
    '/staff/:id',
    {
      schema: {
        tags,
        summary: "Change a staff member's name, phone, locale or role",
        params: IdParams,
        body: UpdateStaffBody,
        response: { 200: User },
      },
    },
    async (request) => toUser(await staff.update(principalOf(request), request.params.id, request.body, requestMeta(request))),
  );

  app.post(
    '/staff/:id/disable',
    {
      schema: {
        tags,
        summary: 'Disable a staff account and end all its sessions',
        params: IdParams,
        response: { 200: User },
      },
    },
    async (request) => toUser(await staff.disable(principalOf(request), request.params.id, requestMeta(request))),
  );

  app.post(
    '/staff/:id/enable',
    {
      schema: {
        tags,
        summary: "Enable a staff account again, within the plan's user limit",
        params: IdParams,
        response: { 200: User },
      },
    },
    async (request) => toUser(await staff.enable(principalOf(request), request.params.id, requestMeta(request))),
  );
});
