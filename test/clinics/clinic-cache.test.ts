import { beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { eventually } from '../support/eventually.ts';
import { twoApiNodes, withRedis } from '../support/two-api-nodes.ts';

// Two API nodes on one database, joined only by Redis: what one changes, the other must not serve stale.
const nodes = twoApiNodes();

describe.skipIf(!withRedis)('clinic cache across nodes', () => {
  let clinicId: string;
  let ownerOnA: HttpClient;
  let ownerOnB: HttpClient;
  let adminOnA: HttpClient;
  beforeAll(async () => {
    const clinic = await createClinic(nodes.a);
    clinicId = clinic.id;
    const owner = await createUser(nodes.a, clinic.id, 'clinic_owner');
    ownerOnA = await signInAs(nodes.a, owner);
    ownerOnB = await signInAs(nodes.b, owner);
    adminOnA = await signInAs(nodes.a, await createUser(nodes.a, null, 'super_admin'));
  });

  it('a settings change through one node is seen by the other, which had the clinic cached', async () => {
    expect((await ownerOnB.get('/api/clinic')).body.name).toMatch(/^Clinic /);
    expect((await ownerOnA.patch('/api/clinic', { name: 'Changed On A', settings: { brandColor: '#abcdef' } })).status).toBe(200);
    const seen = await eventually(
      () => ownerOnB.get('/api/clinic'),
      (res) => res.body.name === 'Changed On A',
    );
    expect(seen.body).toMatchObject({ name: 'Changed On A', settings: { brandColor: '#abcdef' } });
  });

  it("a super admin's tier change through one node reaches /api/me on the other", async () => {
    expect((await ownerOnB.get('/api/me')).body.clinic.tier).toBe('starter');
    expect((await adminOnA.patch(`/api/admin/clinics/${clinicId}`, { tier: 'professional' })).status).toBe(200);
    const seen = await eventually(
      () => ownerOnB.get('/api/me'),
      (res) => res.body.clinic.tier === 'professional',
    );
    expect(seen.body.clinic.tier).toBe('professional');
  });

  it('a sign-up on the other node is refused once the clinic is suspended', async () => {
    const clinic = await createClinic(nodes.a);
    const signUp = (email: string) =>
      new HttpClient(nodes.b.app).post('/api/auth/sign-up', {
        clinicSlug: clinic.slug,
        email,
        password: 'a long enough password',
        fullName: 'Dao Customer',
      });
    // The first sign-up puts the clinic's slug in node B's cache.
    expect((await signUp(`b-${clinic.id.slice(0, 8)}@example.test`)).status).toBe(202);
    expect((await adminOnA.post(`/api/admin/clinics/${clinic.id}/suspend`)).status).toBe(200);
    let attempt = 0;
    const seen = await eventually(
      () => signUp(`c${attempt++}-${clinic.id.slice(0, 8)}@example.test`),
      (res) => res.status === 404,
    );
    expect(seen.status).toBe(404);
  });
});
