import type { JobDefinition } from '../jobs/job-context.ts';
import { DELIVERY_QUEUE, type DeliveryJobData } from './notification-outbox.ts';

export const notificationDeliveryJob: JobDefinition<DeliveryJobData> = {
  queue: DELIVERY_QUEUE,
  // SMTP or LINE may be briefly away: retry with backoff; a stuck attempt expires so another worker takes it.
  options: (config) => ({
    retryLimit: 6,
    retryDelay: config.NOTIFICATION_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
  async handle({ services }, jobs) {
    for (const { data } of jobs) await services.notificationDelivery.deliver(data);
  },
};
