import type pg from 'pg';
import { clinicOf, withTenant, type Actor } from '../db/tenant-transaction.ts';
import { notFound } from '../errors/app-error.ts';
import { listForRecipient, markRead, type NotificationRow } from './notification-repo.ts';

/** The signed-in user's in-app notifications. */
export function createNotificationService(pool: pg.Pool) {
  return {
    list(actor: Actor, unreadOnly: boolean, limit: number): Promise<NotificationRow[]> {
      return withTenant(pool, actor, (tx) => listForRecipient(tx, clinicOf(actor), actor.userId, unreadOnly, limit));
    },
    async markRead(actor: Actor, id: string): Promise<void> {
      if (!(await withTenant(pool, actor, (tx) => markRead(tx, clinicOf(actor), actor.userId, id))))
        throw notFound('notification');
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
