import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { NotificationService } from './notification-service.ts';
import { principalOf, STAFF_ROLES } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import type { NotificationRow } from './notification-repo.ts';
import { NoContent } from '../http/response-schemas.ts';
import { IdParams } from '../http/id-params.ts';

const Notification = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    appointmentId: z.uuid().nullable(),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Notification' });
const toNotification = (n: NotificationRow): z.infer<typeof Notification> => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  appointmentId: n.appointment_id,
  readAt: n.read_at?.toISOString() ?? null,
  createdAt: n.created_at.toISOString(),
});

export const notificationRoutes: FastifyPluginAsyncZod<{ notifications: NotificationService }> = async (
  app,
  { notifications },
) => {
  const tags = ['notifications'];
  await app.register(
    guarded([...STAFF_ROLES, 'customer'], async (members) => {
      members.get(
        '/notifications',
        {
          schema: {
            tags,
            summary: 'Your in-app notifications, newest first',
            querystring: z.object({
              unread: z.enum(['true', 'false']).default('false'),
              limit: z.coerce.number().int().min(1).max(100).default(50),
            }),
            response: { 200: z.array(Notification) },
          },
        },
        async (request) =>
          (await notifications.list(principalOf(request), request.query.unread === 'true', request.query.limit)).map(
            toNotification,
          ),
      );
      members.post(
        '/notifications/:id/read',
        {
          schema: { tags, summary: 'Mark a notification read', params: IdParams, response: { 204: NoContent } },
        },
        async (request, reply) => {
          await notifications.markRead(principalOf(request), request.params.id);
          return reply.code(204).send();
        },
      );
    }),
  );
};
