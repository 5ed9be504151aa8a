import type PgBoss from 'pg-boss';
import type { Tx } from '../db/tenant-transaction.ts';
import { inTransaction, sendJob } from '../jobs/job-queue.ts';
import { deleteReminders, insertReminder } from './appointment-repo.ts';

export const REMINDER_QUEUE = 'appointment-reminders';

export interface ReminderJobData {
  clinicId: string;
  appointmentId: string;
  kind: ReminderKind;
  /** The start the reminder was scheduled for: a reminder for a start that has since moved is stale. */
  startsAt: string;
}

export type ReminderKind = '24h' | '2h';
const REMINDERS: { kind: ReminderKind; hoursBefore: number }[] = [
  { kind: '24h', hoursBefore: 24 },
  { kind: '2h', hoursBefore: 2 },
];

/** Schedules the reminders still ahead, in the caller's transaction: no appointment without its jobs, and no job without its appointment. */
export async function scheduleReminders(
  tx: Tx,
  jobs: PgBoss,
  appointment: { id: string; clinic_id: string; starts_at: Date },
  now: Date,
): Promise<void> {
  for (const { kind, hoursBefore } of REMINDERS) {
    const dueAt = new Date(appointment.starts_at.getTime() - hoursBefore * 3_600_000);
    if (dueAt <= now) continue;
    const data: ReminderJobData = {
      clinicId: appointment.clinic_id,
      appointmentId: appointment.id,
      kind,
      startsAt: appointment.starts_at.toISOString(),
    };
    const jobId = await sendJob(jobs, { queue: REMINDER_QUEUE }, data, { startAfter: dueAt, db: inTransaction(tx) });
    await insertReminder(tx, { clinicId: appointment.clinic_id, appointmentId: appointment.id, kind, jobId, dueAt });
  }
}

/** Withdraws every pending reminder of an appointment (cancelled, or about to be rescheduled). */
export async function withdrawReminders(tx: Tx, jobs: PgBoss, appointmentId: string): Promise<void> {
  const jobIds = await deleteReminders(tx, appointmentId);
  if (jobIds.length) await jobs.cancel(REMINDER_QUEUE, jobIds, { db: inTransaction(tx) });
}
