import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDER_QUEUE } from '../../src/appointments/appointment-reminders.ts';
import { appointmentReminderJob } from '../../src/appointments/appointment-reminder-job.ts';
import { sendJob } from '../../src/jobs/job-queue.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: smtp.url, SMTP_FROM: 'Clinic <clinic@example.com>' });
});
afterAll(async () => {
  await t.stop();
  await smtp.close();
});

interface JobRow {
  id: string;
  state: string;
  start_after: Date;
  data: { appointmentId: string; kind: string; startsAt: string };
}
const jobsOf = async (appointmentId: string) =>
  (
    await t.db.owner.query<JobRow>(
      `SELECT id, state, start_after, data FROM pgboss.job WHERE name = $1 AND data->>'appointmentId' = $2 ORDER BY start_after`,
      [REMINDER_QUEUE, appointmentId],
    )
  ).rows;

async function bookingSetup() {
  const clinic = await createClinic(t, { tier: 'professional' });
  const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  const staff = await createUser(t, clinic.id, 'clinic_staff');
  const treatment = await setUpBookableTreatment(owner, staff.id);
  const customerUser = await createUser(t, clinic.id, 'customer');
  await t.db.owner.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [customerUser.id]);
  const customer = await signInAs(t, customerUser);
  return { clinic, treatment, customer, customerUser };
}
const book = async (client: HttpClient, treatmentId: string, startsAt: string) => {
  const res = await client.post('/api/appointments', { treatmentId, startsAt });
  expect(res.status).toBe(201);
  return res.body as { id: string };
};

describe('appointment reminders', () => {
  it('booking schedules reminders 24 h and 2 h before the start, in the same transaction', async () => {
    const { treatment, customer } = await bookingSetup();
    const startsAt = localInstant(localDateInDays(3), '10:00');
    const appointment = await book(customer, treatment.id, startsAt);
    const jobs = await jobsOf(appointment.id);
    expect(jobs.map((j) => [j.data.kind, j.state, j.start_after.toISOString()])).toEqual([
      ['24h', 'created', new Date(Date.parse(startsAt) - 24 * 3_600_000).toISOString()],
      ['2h', 'created', new Date(Date.parse(startsAt) - 2 * 3_600_000).toISOString()],
    ]);
  });

  it('a booking that fails leaves no reminder behind', async () => {
    const { treatment, customer, clinic } = await bookingSetup();
    const startsAt = localInstant(localDateInDays(3), '12:00');
    await book(customer, treatment.id, startsAt);
    const before = (
      await t.db.owner.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'clinicId' = $2`, [
        REMINDER_QUEUE,
        clinic.id,
      ])
    ).rows[0].n;
    const second = await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt });
    expect(second.status).toBe(409);
    const after = (
      await t.db.owner.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'clinicId' = $2`, [
        REMINDER_QUEUE,
        clinic.id,
      ])
    ).rows[0].n;
    expect(after).toBe(before);
  });

  it('rescheduling moves the reminders and cancelling withdraws them', async () => {
    const { treatment, customer } = await bookingSetup();
    const date = localDateInDays(4);
    const appointment = await book(customer, treatment.id, localInstant(date, '09:00'));
    const original = await jobsOf(appointment.id);
    const moved = await customer.post(`/api/appointments/${appointment.id}/reschedule`, {
      startsAt: localInstant(date, '15:00'),
    });
    expect(moved.status).toBe(200);
    const afterMove = await jobsOf(appointment.id);
    expect(afterMove.filter((j) => original.some((o) => o.id === j.id)).map((j) => j.state)).toEqual(['cancelled', 'cancelled']);
    const live = afterMove.filter((j) => j.state === 'created');
    expect(live.map((j) => j.start_after.toISOString())).toEqual([
      new Date(Date.parse(localInstant(date, '15:00')) - 24 * 3_600_000).toISOString(),
      new Date(Date.parse(localInstant(date, '15:00')) - 2 * 3_600_000).toISOString(),
    ]);
    const cancelled = await customer.post(`/api/appointments/${appointment.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect((await jobsOf(appointment.id)).every((j) => j.state === 'cancelled')).toBe(true);
    expect(
      (await t.db.owner.query('SELECT count(*)::int AS n FROM appointment_reminders WHERE appointment_id = $1', [appointment.id]))
        .rows[0].n,
    ).toBe(0);
  });

  it('a due reminder reaches the customer in the app, in the log and by email, once', async () => {
    const { treatment, customer, customerUser } = await bookingSetup();
    const startsAt = localInstant(localDateInDays(2), '16:00');
    const appointment = await book(customer, treatment.id, startsAt);
    // Time passes: the 24-hour reminder falls due now.
    await t.db.owner.query(
      `UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND data->>'appointmentId' = $2 AND data->>'kind' = '24h'`,
      [REMINDER_QUEUE, appointment.id],
    );
    const worker = await startWorker(t, t.database.ownerUrl, [appointmentReminderJob]);
    try {
      await waitFor(async () => (await jobsOf(appointment.id)).find((j) => j.data.kind === '24h')?.state === 'completed');
    } finally {
      await worker.stop();
    }
    // The inbox also holds the booking's confirmation; reminders are the notices without an event.
    const reminders = async (query = '') =>
      ((await customer.get(`/api/notifications${query}`)).body.items as { kind: string; id: string; body: string }[]).filter(
        (n) => n.kind.startsWith('appointment_reminder'),
      );
    const inbox = { body: await reminders() };
    expect(inbox.body).toHaveLength(1);
    expect(inbox.body[0]).toMatchObject({
      kind: 'appointment_reminder_24h',
      title: 'Reminder: your appointment tomorrow',
      appointmentId: appointment.id,
      readAt: null,
    });
    expect(inbox.body[0]!.body).toContain('Hydrating facial');
    const rows = (
      await t.db.owner.query(
        `SELECT channel, status FROM notifications WHERE appointment_id = $1 AND event_id IS NULL ORDER BY channel`,
        [appointment.id],
      )
    ).rows;
    expect(rows).toEqual([
      { channel: 'email', status: 'sent' },
      { channel: 'in_app', status: 'sent' },
      { channel: 'log', status: 'sent' },
    ]);
    const mail = smtp.messages.filter((m) => m.to.includes(customerUser.email));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.raw).toContain('Reminder: your appointment tomorrow');

    // The same reminder delivered again (a retry) sends nothing new.
    await sendJob(t.jobs, { queue: REMINDER_QUEUE }, (await jobsOf(appointment.id))[0]!.data);
    const again = await startWorker(t, t.database.ownerUrl, [appointmentReminderJob]);
    try {
      await waitFor(
        async () =>
          (
            await t.db.owner.query(
              `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'appointmentId' = $2 AND state = 'completed'`,
              [REMINDER_QUEUE, appointment.id],
            )
          ).rows[0].n === 2,
      );
    } finally {
      await again.stop();
    }
    expect(smtp.messages.filter((m) => m.to.includes(customerUser.email))).toHaveLength(1);
    expect(await reminders()).toHaveLength(1);

    const read = await customer.post(`/api/notifications/${inbox.body[0]!.id}/read`);
    expect(read.status).toBe(204);
    expect(await reminders('?unread=true')).toHaveLength(0);
  });

  it('a reminder for an appointment that has since moved says nothing', async () => {
    const { treatment, customer } = await bookingSetup();
    const date = localDateInDays(3);
    const appointment = await book(customer, treatment.id, localInstant(date, '11:00'));
    await sendJob(
      t.jobs,
      { queue: REMINDER_QUEUE },
      {
        clinicId: (await t.db.owner.query('SELECT clinic_id FROM appointments WHERE id = $1', [appointment.id])).rows[0]
          .clinic_id,
        appointmentId: appointment.id,
        kind: '2h',
        startsAt: localInstant(date, '08:00'),
      },
    );
    const worker = await startWorker(t, t.database.ownerUrl, [appointmentReminderJob]);
    try {
      await waitFor(
        async () =>
          (
            await t.db.owner.query(
              `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'appointmentId' = $2 AND state = 'completed'`,
              [REMINDER_QUEUE, appointment.id],
            )
          ).rows[0].n === 1,
      );
    } finally {
      await worker.stop();
    }
    expect(
      (
        await t.db.owner.query('SELECT count(*)::int AS n FROM notifications WHERE appointment_id = $1 AND event_id IS NULL', [
          appointment.id,
        ])
      ).rows[0].n,
    ).toBe(0);
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
