import type pg from 'pg';
import { withTenant } from '../db/tenant-transaction.ts';
import type { Logger } from '../logger.ts';
import { findLineChannel, recordDeliveryOutcome, unsentDeliveries, type DeliveryRow } from './channel-repo.ts';
import type { EmailSender } from './email-sender.ts';
import type { LineClient } from './line-client.ts';
import type { DeliveryJobData } from './notification-outbox.ts';

/** Sends a notification's email and LINE deliveries, each at most once, for the delivery job. */
export function createNotificationDelivery({
  pool,
  email,
  line,
  log,
}: {
  pool: pg.Pool;
  email: EmailSender | null;
  line: LineClient;
  log: Logger;
}) {
  async function send(d: DeliveryRow, lineToken: string | null): Promise<void> {
    if (d.channel === 'email') {
      if (!email) throw new Error('email is not configured');
      // Signed with the clinic's name: the reader knows who writes, whatever the notice says.
      await email.send({ to: d.address, subject: d.title, text: `${d.body}\n\n${d.clinic_name}` });
    } else {
      if (!lineToken) throw new Error('the clinic has no LINE channel enabled');
      // The delivery's id is the retry key: a push whose answer was lost is not shown twice.
      await line.push({ token: lineToken, to: d.address, text: `${d.title}\n${d.body}`, retryKey: d.id });
    }
  }

  return {
    /**
     * Safe to run again: a sent delivery is skipped. A failure makes the job fail, so pg-boss retries it
     * with backoff, and only the channels still unsent are tried then.
     */
    async deliver({ clinicId, notificationId }: DeliveryJobData): Promise<void> {
      const scope = { clinicId, userId: null, role: null };
      const { pending, lineToken } = await withTenant(pool, scope, async (tx) => {
        const channel = await findLineChannel(tx, clinicId);
        return {
          pending: await unsentDeliveries(tx, clinicId, notificationId),
          lineToken: channel?.enabled ? channel.access_token : null,
        };
      });
      const failures: string[] = [];
      for (const d of pending) {
        const outcome = await send(d, lineToken).then(
          () => ({ status: 'sent' as const }),
          (error: unknown) => ({ status: 'failed' as const, error: error instanceof Error ? error.message : String(error) }),
        );
        await withTenant(pool, scope, (tx) => recordDeliveryOutcome(tx, d.id, outcome));
        if (outcome.status === 'failed') {
          log.warn({ deliveryId: d.id, channel: d.channel, err: outcome.error }, 'notification delivery failed');
          failures.push(`${d.channel}: ${outcome.error}`);
        }
      }
      if (failures.length) throw new Error(`notification delivery failed: ${failures.join('; ')}`);
    },
  };
}

export type NotificationDelivery = ReturnType<typeof createNotificationDelivery>;
