import type { JobDefinition } from '../jobs/job-context.ts';
import { REMINDER_QUEUE, type ReminderJobData } from './appointment-reminders.ts';

export const appointmentReminderJob: JobDefinition<ReminderJobData> = {
  queue: REMINDER_QUEUE,
  // SMTP may be briefly down: retry with backoff, and expire a stuck attempt quickly so another worker takes it.
  options: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  async handle({ services }, jobs) {
    for (const { data } of jobs) await services.reminders.remind(data);
  },
};
