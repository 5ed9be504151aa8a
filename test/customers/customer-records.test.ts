import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

async function auditOf(
  targetId: string,
): Promise<{ action: string; actor_user_id: string; metadata: Record<string, unknown> }[]> {
  const { rows } = await t.db.owner.query(
    'SELECT action, actor_user_id, metadata FROM audit_logs WHERE target_id = $1 ORDER BY id',
    [targetId],
  );
  return rows;
}

async function clinicWithStaff() {
  const clinic = await createClinic(t);
  const owner = await createUser(t, clinic.id, 'clinic_owner');
  const receptionist = await createUser(t, clinic.id, 'receptionist');
  return { clinic, owner, receptionist, asOwner: await signInAs(t, owner), asReceptionist: await signInAs(t, receptionist) };
}

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((c) => c.id);

describe('customer records for staff', () => {
  it('a receptionist records a walk-in customer without an account', async () => {
    const { receptionist, asReceptionist } = await clinicWithStaff();
    const res = await asReceptionist.post('/api/customers', {
      fullName: 'Walk In',
      email: 'Walk.In@Example.test',
      phone: '081-234-5678',
      dateOfBirth: '1990-04-13',
      notes: 'Sensitive skin',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      userId: null,
      fullName: 'Walk In',
      email: 'walk.in@example.test',
      phone: '081-234-5678',
      dateOfBirth: '1990-04-13',
      notes: 'Sensitive skin',
    });
    expect((await asReceptionist.get(`/api/customers/${res.body.id}`)).body).toEqual(res.body);
    expect(await auditOf(res.body.id)).toEqual([
      expect.objectContaining({ action: 'customer.create', actor_user_id: receptionist.id }),
    ]);
  });

  it('bad fields get a 400 listing them', async () => {
    const { asReceptionist } = await clinicWithStaff();
    const res = await asReceptionist.post('/api/customers', {
      fullName: '',
      email: 'nope',
      dateOfBirth: '13/04/1990',
      userId: crypto.randomUUID(),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body',
      'body.dateOfBirth',
      'body.email',
      'body.fullName',
    ]);
  });

  it('search finds a name, phone or email by any part in any case, and % is just a character', async () => {
    const { asOwner } = await clinicWithStaff();
    const make = async (body: Record<string, unknown>) => (await asOwner.post('/api/customers', body)).body.id as string;
    const somchai = await make({ fullName: 'Somchai Jaidee', phone: '0812345678' });
    const nok = await make({ fullName: 'Nok', email: 'NOK.BEAUTY@example.test' });
    const percent = await make({ fullName: '100% Natural' });
    const other = await createClinic(t);
    await t.db.owner.query(`INSERT INTO customers (clinic_id, full_name) VALUES ($1, 'Somchai Elsewhere')`, [other.id]);

    expect(ids(await asOwner.get('/api/customers?q=SOMCHAI'))).toEqual([somchai]);
    expect(ids(await asOwner.get('/api/customers?q=2345'))).toEqual([somchai]);
    expect(ids(await asOwner.get('/api/customers?q=beauty@'))).toEqual([nok]);
    expect(ids(await asOwner.get(`/api/customers?q=${encodeURIComponent('0%')}`))).toEqual([percent]);
    expect(ids(await asOwner.get('/api/customers?q=_'))).toEqual([]);
    expect(ids(await asOwner.get('/api/customers')).sort()).toEqual([somchai, nok, percent].sort());
    expect(ids(await asOwner.get('/api/customers?q=')).sort()).toEqual([somchai, nok, percent].sort());
  });

  it('the list pages newest first with a cursor, and a broken cursor is a 400', async () => {
    const { asReceptionist } = await clinicWithStaff();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await asReceptionist.post('/api/customers', { fullName: `Customer ${i}` })).body.id);
    const first = await asReceptionist.get('/api/customers?limit=2');
    const second = await asReceptionist.get(`/api/customers?limit=2&cursor=${first.body.nextCursor}`);
    const third = await asReceptionist.get(`/api/customers?limit=2&cursor=${second.body.nextCursor}`);
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(made.reverse());
    expect(third.body.nextCursor).toBeNull();
    expect((await asReceptionist.get('/api/customers?cursor=not-a-cursor')).status).toBe(400);
  });

  it('an edit changes only the fields sent, null clears one, and it is audited', async () => {
    const { receptionist, asReceptionist } = await clinicWithStaff();
    const created = (
      await asReceptionist.post('/api/customers', { fullName: 'Before', phone: '0811111111', notes: 'first visit' })
    ).body;
    const res = await asReceptionist.patch(`/api/customers/${created.id}`, {
      fullName: 'After',
      phone: null,
      dateOfBirth: '1985-12-01',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fullName: 'After', phone: null, dateOfBirth: '1985-12-01', notes: 'first visit' });
    expect(await auditOf(created.id)).toContainEqual(
      expect.objectContaining({
        action: 'customer.update',
        actor_user_id: receptionist.id,
        metadata: { fields: ['fullName', 'phone', 'dateOfBirth'] },
      }),
    );
    expect((await asReceptionist.patch(`/api/customers/${created.id}`, {})).status).toBe(400);
  });

  it('only an owner or admin deletes a record; it is gone and the deletion is audited', async () => {
    const { owner, asOwner, asReceptionist, clinic } = await clinicWithStaff();
    const staff = await signInAs(t, await createUser(t, clinic.id, 'clinic_staff'));
    const id = (await asReceptionist.post('/api/customers', { fullName: 'To Delete' })).body.id;
    expect((await asReceptionist.delete(`/api/customers/${id}`)).status).toBe(403);
    expect((await staff.delete(`/api/customers/${id}`)).status).toBe(403);
    expect((await asOwner.delete(`/api/customers/${id}`)).status).toBe(204);
    expect((await asOwner.get(`/api/customers/${id}`)).status).toBe(404);
    expect((await asOwner.delete(`/api/customers/${id}`)).status).toBe(404);
    expect(await auditOf(id)).toContainEqual(
      expect.objectContaining({
        action: 'customer.delete',
        actor_user_id: owner.id,
        metadata: { userId: null, accountDisabled: false, revokedSessions: 0 },
      }),
    );
  });

  it('deleting the record of a customer with an account disables that account and signs them out', async () => {
    const { asOwner, clinic } = await clinicWithStaff();
    const customer = await createUser(t, clinic.id, 'customer');
    const session = await signInAs(t, customer);
    const record = (await session.get('/api/customers/me')).body;
    expect((await asOwner.delete(`/api/customers/${record.id}`)).status).toBe(204);
    expect((await session.get('/api/me')).status).toBe(401);
    const again = await new HttpClient(t.app).post('/api/auth/sign-in', { email: customer.email, password: PASSWORD });
    expect(again.body.type).toBe('/problems/account-disabled');
    const { rows } = await t.db.owner.query(
      'SELECT disabled_at IS NOT NULL AS disabled, (SELECT count(*)::int FROM customers WHERE user_id = $1) AS records FROM users WHERE id = $1',
      [customer.id],
    );
    expect(rows[0]).toEqual({ disabled: true, records: 0 });
    expect(await auditOf(record.id)).toContainEqual(
      expect.objectContaining({
        action: 'customer.delete',
        metadata: { userId: customer.id, accountDisabled: true, revokedSessions: 1 },
      }),
    );
  });
});

describe("a customer's own record", () => {
  it('a customer reads their own record without the staff notes', async () => {
    const { clinic } = await clinicWithStaff();
    const customer = await createUser(t, clinic.id, 'customer');
    await t.db.owner.query(`UPDATE customers SET notes = 'prefers mornings' WHERE user_id = $1`, [customer.id]);
    const res = await (await signInAs(t, customer)).get('/api/customers/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: customer.id, email: customer.email });
    expect(res.body).not.toHaveProperty('notes');
  });

  it('a customer changes their name, phone and date of birth; the account shows the new name', async () => {
    const { clinic, asReceptionist } = await clinicWithStaff();
    const customer = await createUser(t, clinic.id, 'customer');
    const client = await signInAs(t, customer);
    const res = await client.patch('/api/customers/me', {
      fullName: 'Nok Updated',
      phone: '0899999999',
      dateOfBirth: '2000-02-29',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fullName: 'Nok Updated', phone: '0899999999', dateOfBirth: '2000-02-29' });
    expect((await client.get('/api/me')).body).toMatchObject({ fullName: 'Nok Updated', phone: '0899999999' });
    expect((await asReceptionist.get(`/api/customers/${res.body.id}`)).body.fullName).toBe('Nok Updated');
    expect(await auditOf(res.body.id)).toContainEqual(
      expect.objectContaining({ action: 'customer.update', actor_user_id: customer.id }),
    );
  });

  it('a customer cannot change their notes or email through their own record', async () => {
    const { clinic } = await clinicWithStaff();
    const customer = await createUser(t, clinic.id, 'customer');
    const client = await signInAs(t, customer);
    expect((await client.patch('/api/customers/me', { notes: 'VIP, free treatments' })).status).toBe(400);
    expect((await client.patch('/api/customers/me', { fullName: 'Ok', email: 'new@example.test' })).status).toBe(400);
    const { rows } = await t.db.owner.query('SELECT full_name, notes FROM customers WHERE user_id = $1', [customer.id]);
    expect(rows[0]).toEqual({ full_name: 'Test customer', notes: '' });
  });
});
