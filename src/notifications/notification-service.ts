import type pg from 'pg';
import { recordAuditBy, type RequestMeta } from '../audit/audit-log.ts';
import { clinicOf, withTenant, type Actor } from '../db/tenant-transaction.ts';
import { invalid, notFound } from '../errors/app-error.ts';
import { pageByCreation, type Cursor } from '../http/pagination.ts';
import { findLineChannel, findPreferences, saveLineChannel, savePreferences, type LineChannelRow } from './channel-repo.ts';
import { countUnread, listForRecipient, markAllRead, markRead } from './notification-repo.ts';

export interface Preferences {
  inApp: true;
  email: boolean;
  line: boolean;
  lineUserId: string | null;
  /** Whether the clinic has LINE enabled: without it, the LINE choice has no effect. */
  lineAvailable: boolean;
}

export interface LineChannelView {
  enabled: boolean;
  /** The token's last four characters: a saved token is never shown again. */
  tokenHint: string;
  updatedAt: string;
}

const lineView = (c: LineChannelRow): LineChannelView => ({
  enabled: c.enabled,
  tokenHint: c.access_token.slice(-4),
  updatedAt: c.updated_at.toISOString(),
});

/** The signed-in person's inbox, their channel choices, and the clinic's LINE channel. */
export function createNotificationService(pool: pg.Pool) {
  async function preferencesOf(actor: Actor): Promise<Preferences> {
    const clinicId = clinicOf(actor);
    return withTenant(pool, actor, async (tx) => {
      const p = (await findPreferences(tx, clinicId, [actor.userId!])).get(actor.userId!);
      const line = await findLineChannel(tx, clinicId);
      return {
        inApp: true,
        email: p?.email ?? true,
        line: p?.line ?? false,
        lineUserId: p?.line_user_id ?? null,
        lineAvailable: line?.enabled ?? false,
      };
    });
  }

  return {
    async list(actor: Actor, unreadOnly: boolean, page: { after: Cursor | null; limit: number }) {
      const rows = await withTenant(pool, actor, (tx) => listForRecipient(tx, clinicOf(actor), actor.userId!, unreadOnly, page));
      return pageByCreation(rows, page.limit);
    },
    unreadCount(actor: Actor): Promise<number> {
      return withTenant(pool, actor, (tx) => countUnread(tx, clinicOf(actor), actor.userId!));
    },
    async markRead(actor: Actor, id: string): Promise<void> {
      if (!(await withTenant(pool, actor, (tx) => markRead(tx, clinicOf(actor), actor.userId!, id))))
        throw notFound('notification');
    },
    markAllRead(actor: Actor): Promise<void> {
      return withTenant(pool, actor, (tx) => markAllRead(tx, clinicOf(actor), actor.userId!));
    },

    preferences: preferencesOf,
    async savePreferences(
      actor: Actor,
      input: { email: boolean; line: boolean; lineUserId: string | null },
    ): Promise<Preferences> {
      if (input.line && !input.lineUserId)
        throw invalid('Link a LINE user id before choosing LINE.', [
          { path: 'body.lineUserId', message: 'required when line is chosen' },
        ]);
      await withTenant(pool, actor, (tx) => savePreferences(tx, clinicOf(actor), actor.userId!, input));
      return preferencesOf(actor);
    },

    async lineChannel(actor: Actor): Promise<LineChannelView> {
      const c = await withTenant(pool, actor, (tx) => findLineChannel(tx, clinicOf(actor)));
      if (!c) throw notFound('LINE channel');
      return lineView(c);
    },
    async saveLineChannel(
      actor: Actor,
      input: { accessToken?: string | undefined; enabled: boolean },
      meta: RequestMeta,
    ): Promise<LineChannelView> {
      const clinicId = clinicOf(actor);
      return withTenant(pool, actor, async (tx) => {
        const saved = await saveLineChannel(tx, clinicId, input);
        if (!saved) throw notFound('LINE channel');
        // The token itself never reaches the audit log: only that it changed.
        await recordAuditBy(
          tx,
          actor,
          {
            clinicId,
            action: 'clinic.line_channel.update',
            targetType: 'clinic',
            targetId: clinicId,
            metadata: { enabled: saved.enabled, tokenChanged: input.accessToken !== undefined },
          },
          meta,
        );
        return lineView(saved);
      });
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
