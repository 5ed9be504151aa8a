import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { NotificationService } from './notification-service.ts';
import type { NotificationEvents } from './notification-events.ts';
import { principalOf, STAFF_ROLES } from '../http/authenticate.ts';
import type { EventStreams } from '../http/event-stream.ts';
import { guarded } from '../http/guarded-scope.ts';
import type { NotificationRow } from './notification-repo.ts';
import { decodeCursor, PageQuery, pageSchema } from '../http/pagination.ts';
import { requestMeta } from '../http/request-meta.ts';
import { eventStreamResponse, NoContent } from '../http/response-schemas.ts';
import { IdParams } from '../http/id-params.ts';
import { CLINIC_MANAGERS } from '../users/role-vocabulary.ts';

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

const UnreadCount = z.object({ unread: z.number().int().min(0) }).meta({ id: 'UnreadCount' });
// A LINE user id as the Messaging API gives it: U followed by 32 hex digits.
const LineUserId = z.string().regex(/^U[0-9a-f]{32}$/, 'a LINE user id: U and 32 hex digits');
const Preferences = z
  .object({
    inApp: z.literal(true),
    email: z.boolean(),
    line: z.boolean(),
    lineUserId: LineUserId.nullable(),
    lineAvailable: z.boolean(),
  })
  .meta({ id: 'NotificationPreferences' });
const PreferencesInput = z.object({ email: z.boolean(), line: z.boolean(), lineUserId: LineUserId.nullable().default(null) });
const LineChannel = z
  .object({ enabled: z.boolean(), tokenHint: z.string(), updatedAt: z.iso.datetime() })
  .meta({ id: 'LineChannel' });
const LineChannelInput = z.object({
  accessToken: z.string().trim().min(20).max(400).optional(),
  enabled: z.boolean().default(true),
});

export const notificationRoutes: FastifyPluginAsyncZod<{
  notifications: NotificationService;
  events: NotificationEvents;
  streams: EventStreams;
}> = async (app, { notifications, events, streams }) => {
  const tags = ['notifications'];
  await app.register(
    guarded([...STAFF_ROLES, 'customer'], async (members) => {
      members.get(
        '/notifications',
        {
          schema: {
            tags,
            summary: 'Your in-app notifications, newest first, a page at a time',
            querystring: PageQuery.extend({ unread: z.enum(['true', 'false']).default('false') }),
            response: { 200: pageSchema(Notification) },
          },
        },
        async (request) => {
          const { unread, limit, cursor } = request.query;
          const page = await notifications.list(principalOf(request), unread === 'true', { after: decodeCursor(cursor), limit });
          return { items: page.items.map(toNotification), nextCursor: page.nextCursor };
        },
      );
      members.get(
        '/notifications/unread-count',
        { schema: { tags, summary: 'How many of your notifications are unread', response: { 200: UnreadCount } } },
        async (request) => ({ unread: await notifications.unreadCount(principalOf(request)) }),
      );
      members.get(
        '/notifications/events',
        {
          schema: {
            tags,
            summary: 'Your new notifications as Server-Sent Events',
            response: {
              200: eventStreamResponse('`notification` events, each the new notification; `resync` when some may be missing'),
            },
          },
        },
        async (request, reply) => {
          const actor = principalOf(request);
          let stream: ReturnType<EventStreams['open']> | undefined;
          const unsubscribe = events.subscribe(
            actor.userId,
            (event) => stream?.send('notification', { id: event.id }),
            // Events sent while this node's listener was away are lost: the client reads its inbox again.
            () => stream?.send('resync', {}),
          );
          try {
            stream = streams.open(request, reply, { principal: actor, feed: 'notifications', onClose: unsubscribe });
          } catch (error) {
            unsubscribe();
            throw error;
          }
          // Whatever arrived before the stream opened is in the inbox the client reads on open.
          stream.send('ready', {});
        },
      );
      members.post(
        '/notifications/read-all',
        { schema: { tags, summary: 'Mark all your notifications read', response: { 204: NoContent } } },
        async (request, reply) => {
          await notifications.markAllRead(principalOf(request));
          return reply.code(204).send();
        },
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
      members.get(
        '/notifications/preferences',
        { schema: { tags, summary: 'Your notification channels', response: { 200: Preferences } } },
        async (request) => notifications.preferences(principalOf(request)),
      );
      members.put(
        '/notifications/preferences',
        {
          schema: {
            tags,
            summary: 'Choose your notification channels (in-app is always on)',
            body: PreferencesInput,
            response: { 200: Preferences },
          },
        },
        async (request) => notifications.savePreferences(principalOf(request), request.body),
      );
    }),
  );
  await app.register(
    guarded(CLINIC_MANAGERS, async (managers) => {
      managers.get(
        '/clinic/line-channel',
        { schema: { tags, summary: "The clinic's LINE Messaging API channel", response: { 200: LineChannel } } },
        async (request) => notifications.lineChannel(principalOf(request)),
      );
      managers.put(
        '/clinic/line-channel',
        {
          schema: {
            tags,
            summary: "Store the clinic's LINE channel access token, or turn LINE on or off",
            body: LineChannelInput,
            response: { 200: LineChannel },
          },
        },
        async (request) => notifications.saveLineChannel(principalOf(request), request.body, requestMeta(request)),
      );
    }),
  );
};
