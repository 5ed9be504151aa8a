import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// What the treatments page sends: descriptions in three languages and who performs the treatment.
let t: TestApp;
let owner: HttpClient;
let customer: HttpClient;
let therapist: TestUser;
let doctor: TestUser;
let customerUser: TestUser;
let foreignStaff: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  const clinic = await createClinic(t);
  owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  customerUser = await createUser(t, clinic.id, 'customer');
  customer = await signInAs(t, customerUser);
  therapist = await createUser(t, clinic.id, 'clinic_staff');
  doctor = await createUser(t, clinic.id, 'clinic_staff');
  foreignStaff = await createUser(t, (await createClinic(t)).id, 'clinic_staff');
});
afterAll(() => t?.stop());

const facial = (extra: Record<string, unknown> = {}) => ({
  name: { en: 'Glow facial', th: 'ทรีทเมนต์หน้าใส', zh: '焕亮面部护理' },
  category: 'facial',
  durationMinutes: 45,
  priceSatang: 120_000,
  ...extra,
});

describe('treatment descriptions and performers', () => {
  it('a treatment is created with a description per language and its performers, and reads back the same', async () => {
    const created = await owner.post(
      '/api/treatments',
      facial({
        descriptions: { en: 'Deep cleanse', th: 'ทำความสะอาดล้ำลึก', zh: '深层清洁' },
        staffUserIds: [therapist.id, therapist.id],
      }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      description: 'Deep cleanse',
      descriptions: { en: 'Deep cleanse', th: 'ทำความสะอาดล้ำลึก', zh: '深层清洁' },
      staffUserIds: [therapist.id],
    });
    const listed = await owner.get('/api/treatments');
    expect(listed.body.find((x: { id: string }) => x.id === created.body.id)).toEqual(created.body);
    // Customers book by treatment; the staff list of the schedule API agrees with the catalogue.
    expect((await customer.get(`/api/treatments/${created.body.id}`)).body.staffUserIds).toEqual([therapist.id]);
    expect((await owner.get(`/api/staff/${therapist.id}/schedule`)).body.treatmentIds).toEqual([created.body.id]);
  });

  it('a patch replaces the performers and one language of the description, leaving the others', async () => {
    const { body: made } = await owner.post(
      '/api/treatments',
      facial({ descriptions: { en: 'A', th: 'ก' }, staffUserIds: [therapist.id] }),
    );
    await owner.get('/api/treatments'); // cached now: the patch must show through the cache
    const patched = await owner.patch(`/api/treatments/${made.id}`, { descriptions: { zh: '乙' }, staffUserIds: [doctor.id] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ descriptions: { en: 'A', th: 'ก', zh: '乙' }, staffUserIds: [doctor.id] });
    const listed = await owner.get('/api/treatments');
    expect(listed.body.find((x: { id: string }) => x.id === made.id).staffUserIds).toEqual([doctor.id]);

    // Changing who performs it from the staff side shows in the (cached) catalogue too.
    expect((await owner.put(`/api/staff/${therapist.id}/treatments`, { treatmentIds: [made.id] })).status).toBe(204);
    const again = await owner.get('/api/treatments');
    expect(again.body.find((x: { id: string }) => x.id === made.id).staffUserIds).toEqual([doctor.id, therapist.id].sort());

    const cleared = await owner.patch(`/api/treatments/${made.id}`, { staffUserIds: [] });
    expect(cleared.body.staffUserIds).toEqual([]);
    const audit = await t.db.owner.query(
      `SELECT metadata FROM audit_logs WHERE action = 'treatment.update' AND target_id = $1 ORDER BY created_at`,
      [made.id],
    );
    expect(audit.rows.map((r) => r.metadata.changed)).toEqual([['descriptions', 'staffUserIds'], ['staffUserIds']]);
  });

  it("a customer's account or another clinic's staff member cannot perform a treatment: 404, nothing saved", async () => {
    for (const id of [customerUser.id, foreignStaff.id]) {
      const res = await owner.post(
        '/api/treatments',
        facial({ name: { en: `Refused ${id}` }, staffUserIds: [therapist.id, id] }),
      );
      expect([res.status, res.body.type]).toEqual([404, '/problems/not-found']);
    }
    const names = (await owner.get('/api/treatments')).body.map((x: { name: { en: string } }) => x.name.en);
    expect(names.filter((n: string) => n.startsWith('Refused'))).toEqual([]);
  });

  it('the English description sent twice, or a description over 4,000 characters, is a 400 naming the field', async () => {
    const twice = await owner.post('/api/treatments', facial({ description: 'x', descriptions: { en: 'y' } }));
    expect([twice.status, twice.body.errors?.[0]?.path]).toEqual([400, 'body.descriptions']);
    const long = await owner.post('/api/treatments', facial({ descriptions: { th: 'ก'.repeat(4001) } }));
    expect([long.status, long.body.errors?.[0]?.path]).toEqual([400, 'body.descriptions.th']);
    const notUuid = await owner.post('/api/treatments', facial({ staffUserIds: ['nobody'] }));
    expect([notUuid.status, notUuid.body.errors?.[0]?.path]).toEqual([400, 'body.staffUserIds.0']);
  });
});
