import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RoomService } from './room-service.ts';
import { CLINIC_MANAGERS, principalOf, STAFF_ROLES } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RoomRow } from './room-repo.ts';
import { IdParams } from '../http/id-params.ts';

const Room = z
  .object({ id: z.uuid(), name: z.string(), isActive: z.boolean(), createdAt: z.iso.datetime() })
  .meta({ id: 'Room' });
const RoomName = z.string().trim().min(1).max(100);
const toRoom = (r: RoomRow): z.infer<typeof Room> => ({
  id: r.id,
  name: r.name,
  isActive: r.is_active,
  createdAt: r.created_at.toISOString(),
});

export const roomRoutes: FastifyPluginAsyncZod<{ rooms: RoomService }> = async (app, { rooms }) => {
  const tags = ['rooms'];

  await app.register(
    guarded(STAFF_ROLES, async (staff) => {
      staff.get(
        '/rooms',
        {
          schema: {
            tags,
            querystring: z.object({ includeInactive: z.enum(['true', 'false']).default('false') }),
            response: { 200: z.array(Room) },
          },
        },
        async (request) => (await rooms.list(principalOf(request), request.query.includeInactive === 'true')).map(toRoom),
      );
    }),
  );

  await app.register(
    guarded(CLINIC_MANAGERS, async (managers) => {
      managers.post(
        '/rooms',
        { schema: { tags, body: z.object({ name: RoomName }).strict(), response: { 201: Room } } },
        async (request, reply) =>
          reply.code(201).send(toRoom(await rooms.create(principalOf(request), request.body.name, requestMeta(request)))),
      );
      managers.patch(
        '/rooms/:id',
        {
          schema: {
            tags,
            params: IdParams,
            body: z.object({ name: RoomName, isActive: z.boolean() }).partial().strict(),
            response: { 200: Room },
          },
        },
        async (request) =>
          toRoom(await rooms.update(principalOf(request), request.params.id, request.body, requestMeta(request))),
      );
    }),
  );
};
