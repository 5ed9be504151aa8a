import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/jobs/worker.ts';
import { notificationDeliveryJob } from '../../src/notifications/notification-delivery-job.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { eventually } from '../support/eventually.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startFakeLineServer, type FakeLineServer } from '../support/fake-line-server.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let smtp: SmtpSink;
let line: FakeLineServer;
beforeAll(async () => {
  smtp = await startSmtpSink();
  line = await startFakeLineServer();
  t = await startTestApp({
    SMTP_URL: smtp.url,
    SMTP_FROM: 'Clinic <clinic@example.com>',
    LINE_API_URL: line.baseUrl,
    NOTIFICATION_RETRY_DELAY_SECONDS: '1',
  });
});
afterAll(async () => {
  await t.stop();
  await smtp.close();
  await line.close();
});

const deliveriesOf = async (appointmentId: string) =>
  (
    await t.db.owner.query<{ channel: string; status: string; attempts: number }>(
      `SELECT d.channel, d.status, d.attempts FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE n.appointment_id = $1 ORDER BY d.channel`,
      [appointmentId],
    )
  ).rows;

describe('delivering notices by email and LINE', () => {
  it('a booking reaches the customer by email and LINE exactly once, though the first attempt on each fails', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    const treatment = await setUpBookableTreatment(owner, staff.id);
    expect((await owner.put('/api/clinic/line-channel', { accessToken: line.token })).status).toBe(200);
    const customerUser = await createUser(t, clinic.id, 'customer');
    await t.db.owner.query(`UPDATE users SET locale = 'zh' WHERE id = $1`, [customerUser.id]);
    const customer = await signInAs(t, customerUser);
    const lineUserId = `U${'0123456789abcdef'.repeat(2)}`;
    expect((await customer.put('/api/notifications/preferences', { email: true, line: true, lineUserId })).status).toBe(200);
    // The owner has turned email off: their notice of the online booking stays in the app.
    expect((await owner.put('/api/notifications/preferences', { email: false, line: false })).status).toBe(200);

    line.failNext(1);
    smtp.refuseNext(1);
    const booked = await customer.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(3), '10:00'),
    });
    expect(booked.status).toBe(201);
    expect(await deliveriesOf(booked.body.id)).toEqual([
      { channel: 'email', status: 'pending', attempts: 0 },
      { channel: 'line', status: 'pending', attempts: 0 },
    ]);

    const worker = await startWorker(t, t.database.ownerUrl, [notificationDeliveryJob]);
    try {
      const done = await eventually(
        () => deliveriesOf(booked.body.id),
        (rows) => rows.every((r) => r.status === 'sent'),
      );
      expect(done).toEqual([
        { channel: 'email', status: 'sent', attempts: 2 },
        { channel: 'line', status: 'sent', attempts: 2 },
      ]);
    } finally {
      await worker.stop();
    }

    // LINE was asked twice with one retry key, and showed the message once, in the customer's language.
    expect(line.requests).toHaveLength(2);
    expect(line.requests[0]!.headers['x-line-retry-key']).toBe(line.requests[1]!.headers['x-line-retry-key']);
    expect(line.delivered).toHaveLength(1);
    expect(line.delivered[0]!.body.to).toBe(lineUserId);
    expect(line.delivered[0]!.body.messages[0]!.text).toContain('预约已确认');
    const mails = await smtp.mailsTo(customerUser.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('预约已确认');
    expect(mails[0]!.text).toContain(`Clinic ${clinic.slug}`);
    // Booking staff with email on got the online booking; the owner who turned it off did not.
    expect(smtp.messages.filter((m) => m.to.some((to) => to.startsWith('clinic_owner-')))).toHaveLength(0);
  });
});
