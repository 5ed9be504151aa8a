import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

async function clinicCapping(maxUpcomingBookingsPerCustomer: number) {
  const clinic = await createClinic(t, { tier: 'professional' });
  const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  expect((await owner.patch('/api/clinic', { settings: { maxUpcomingBookingsPerCustomer } })).status).toBe(200);
  const staff = await createUser(t, clinic.id, 'clinic_staff');
  const treatment = await setUpBookableTreatment(owner, staff.id);
  const customerUser = await createUser(t, clinic.id, 'customer');
  const customer = await signInAs(t, customerUser);
  return { clinic, owner, treatment, customer, customerUser };
}

const at = (days: number, time: string) => localInstant(localDateInDays(days), time);

describe("a customer's upcoming bookings are capped by the clinic", () => {
  it('concurrent bookings by one customer: exactly the cap succeeds, the rest get 409 too-many-upcoming-bookings', async () => {
    const { treatment, customer } = await clinicCapping(2);
    const times = ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00'];
    const results = await Promise.all(
      times.map((time) => customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: at(3, time) })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.type])).toEqual(Array(4).fill([409, '/problems/too-many-upcoming-bookings']));
    expect(refused[0]!.body.limit).toBe(2);
  });

  it('a cancelled appointment frees its place under the cap', async () => {
    const { treatment, customer } = await clinicCapping(1);
    const first = await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: at(5, '09:00') });
    expect(first.status).toBe(201);
    const second = await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: at(5, '11:00') });
    expect(second.status).toBe(409);
    expect((await customer.post(`/api/appointments/${first.body.id}/cancel`, {})).status).toBe(200);
    expect((await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: at(5, '11:00') })).status).toBe(201);
  });

  it('staff booking on behalf of a customer are not capped', async () => {
    const { clinic, treatment, customer, customerUser } = await clinicCapping(1);
    expect((await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: at(6, '09:00') })).status).toBe(201);
    const {
      rows: [record],
    } = await t.db.owner.query('SELECT id FROM customers WHERE user_id = $1', [customerUser.id]);
    const receptionist = await signInAs(t, await createUser(t, clinic.id, 'receptionist'));
    const forThem = await receptionist.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: at(6, '11:00'),
      customerId: record.id,
    });
    expect(forThem.status).toBe(201);
  });
});
