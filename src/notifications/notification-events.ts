import { z } from 'zod';
import { listenTo } from '../db/listen.ts';
import type { Logger } from '../logger.ts';
import { NOTIFICATION_CHANNEL } from './notification-outbox.ts';

const Created = z.object({ id: z.uuid(), clinicId: z.uuid(), userId: z.uuid() });
export type NotificationCreated = z.infer<typeof Created>;

export interface NotificationEvents {
  /** Calls `listener` for each new inbox row of one person; `onResync` after the listener lost events. */
  subscribe(userId: string, listener: (event: NotificationCreated) => void, onResync: () => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * New notifications reach the live inboxes on every API node as analysis progress does: Postgres
 * LISTEN/NOTIFY on one connection per node, fanned out in memory by recipient.
 */
export function createNotificationEvents(url: string, log: Logger): NotificationEvents {
  const subscribers = new Map<string, Set<{ listener: (e: NotificationCreated) => void; onResync: () => void }>>();
  const connection = listenTo(
    url,
    NOTIFICATION_CHANNEL,
    (payload) => {
      const event = parse(payload);
      if (!event) return log.warn({ channel: NOTIFICATION_CHANNEL }, 'ignored a malformed notification announcement');
      for (const s of subscribers.get(event.userId) ?? []) s.listener(event);
    },
    log,
    () => {
      for (const set of subscribers.values()) for (const s of set) s.onResync();
    },
  );
  return {
    subscribe(userId, listener, onResync) {
      const set = subscribers.get(userId) ?? new Set();
      const subscriber = { listener, onResync };
      set.add(subscriber);
      subscribers.set(userId, set);
      return () => {
        set.delete(subscriber);
        if (set.size === 0) subscribers.delete(userId);
      };
    },
    start: () => connection.start(),
    close: () => connection.close(),
  };
}

function parse(payload: string): NotificationCreated | undefined {
  try {
    const parsed = Created.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
