import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs, type TestClinic } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { eventually } from '../support/eventually.ts';
import { twoApiNodes, withRedis } from '../support/two-api-nodes.ts';

// The treatment catalogue through the response cache, on two API nodes sharing one database and Redis.
const nodes = twoApiNodes();
let admin: HttpClient;
beforeAll(async () => {
  admin = await signInAs(nodes.a, await createUser(nodes.a, null, 'super_admin'));
});

const names = (res: { body: { name: { en: string | null } }[] }) => res.body.map((t) => t.name.en).sort();

async function addTreatment(manager: HttpClient, en: string, extra: Record<string, unknown> = {}) {
  const res = await manager.post('/api/treatments', {
    name: { en },
    category: 'facial',
    durationMinutes: 30,
    priceSatang: 100_000,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

interface ClinicPeople {
  clinic: TestClinic;
  ownerOnA: HttpClient;
  ownerOnB: HttpClient;
  customerOnB: HttpClient;
}

async function clinicWithPeople(): Promise<ClinicPeople> {
  const clinic = await createClinic(nodes.a);
  const owner = await createUser(nodes.a, clinic.id, 'clinic_owner');
  const customer = await createUser(nodes.a, clinic.id, 'customer');
  return {
    clinic,
    ownerOnA: await signInAs(nodes.a, owner),
    ownerOnB: await signInAs(nodes.b, owner),
    customerOnB: await signInAs(nodes.b, customer),
  };
}

/** A change made behind the API's back: no invalidation, so only an uncached read shows it at once. */
async function renameInDatabase(treatmentId: string, en: string) {
  await nodes.a.db.owner.query('UPDATE treatments SET name_en = $2 WHERE id = $1', [treatmentId, en]);
}

describe.skipIf(!withRedis)('the treatment catalogue cache', () => {
  it('a treatment created, changed or deactivated through one node is seen through the other, which had the list cached', async () => {
    const { ownerOnA, ownerOnB, customerOnB } = await clinicWithPeople();
    await addTreatment(ownerOnA, 'Peel');
    expect(names(await ownerOnB.get('/api/treatments'))).toEqual(['Peel']);
    expect(names(await customerOnB.get('/api/treatments'))).toEqual(['Peel']);

    const laser = await addTreatment(ownerOnA, 'Laser');
    const created = await eventually(
      () => customerOnB.get('/api/treatments'),
      (res) => res.body.length === 2,
    );
    expect(names(created)).toEqual(['Laser', 'Peel']);

    expect((await ownerOnA.patch(`/api/treatments/${laser.id}`, { name: { en: 'Laser toning' } })).status).toBe(200);
    const renamed = await eventually(
      () => ownerOnB.get('/api/treatments'),
      (res) => names(res).includes('Laser toning'),
    );
    expect(names(renamed)).toEqual(['Laser toning', 'Peel']);

    expect((await ownerOnA.patch(`/api/treatments/${laser.id}`, { isActive: false })).status).toBe(200);
    const deactivated = await eventually(
      () => customerOnB.get('/api/treatments'),
      (res) => res.body.length === 1,
    );
    expect(names(deactivated)).toEqual(['Peel']);
    // Staff asking for the whole catalogue still see it: each variant is its own entry, each dropped.
    expect(names(await ownerOnB.get('/api/treatments?includeInactive=true'))).toEqual(['Laser toning', 'Peel']);
  });

  it("a clinic never gets another clinic's catalogue, on either node", async () => {
    const one = await clinicWithPeople();
    const two = await clinicWithPeople();
    await addTreatment(one.ownerOnA, 'Only at clinic one');
    await addTreatment(two.ownerOnA, 'Only at clinic two');
    for (let round = 0; round < 2; round++) {
      expect(names(await one.ownerOnB.get('/api/treatments'))).toEqual(['Only at clinic one']);
      expect(names(await two.ownerOnB.get('/api/treatments'))).toEqual(['Only at clinic two']);
      expect(names(await one.ownerOnA.get('/api/treatments'))).toEqual(['Only at clinic one']);
      expect(names(await two.customerOnB.get('/api/treatments'))).toEqual(['Only at clinic two']);
    }
  });

  it('authorization stays in front of the cache: an inactive treatment is hidden from customers, signed-out is refused', async () => {
    const { ownerOnB, customerOnB, ownerOnA } = await clinicWithPeople();
    await addTreatment(ownerOnA, 'Draft', { isActive: false });
    expect(names(await ownerOnB.get('/api/treatments?includeInactive=true'))).toEqual(['Draft']);
    expect(names(await customerOnB.get('/api/treatments?includeInactive=true'))).toEqual([]);
    expect((await new HttpClient(nodes.b.app).get('/api/treatments')).status).toBe(401);
  });

  it('turning the flag off for one clinic makes its reads skip the cache at once on both nodes; others keep theirs', async () => {
    const off = await clinicWithPeople();
    const other = await clinicWithPeople();
    const offTreatment = await addTreatment(off.ownerOnA, 'Before');
    const otherTreatment = await addTreatment(other.ownerOnA, 'Before');
    for (const c of [off, other]) {
      expect(names(await c.ownerOnA.get('/api/treatments'))).toEqual(['Before']);
      expect(names(await c.ownerOnB.get('/api/treatments'))).toEqual(['Before']);
    }
    await renameInDatabase(offTreatment.id, 'After');
    await renameInDatabase(otherTreatment.id, 'After');
    // Cached: the change made behind the API's back is not visible yet.
    expect(names(await off.ownerOnB.get('/api/treatments'))).toEqual(['Before']);

    const put = await admin.put(`/api/admin/clinics/${off.clinic.id}/features/response-cache`, { enabled: false });
    expect(put.status).toBe(200);
    expect(names(await off.ownerOnA.get('/api/treatments'))).toEqual(['After']);
    const onB = await eventually(
      () => off.ownerOnB.get('/api/treatments'),
      (res) => names(res)[0] === 'After',
    );
    expect(names(onB)).toEqual(['After']);
    expect(names(await other.ownerOnA.get('/api/treatments'))).toEqual(['Before']);
    expect(names(await other.ownerOnB.get('/api/treatments'))).toEqual(['Before']);

    const bypassed = await nodes.a.metrics.registry.getSingleMetricAsString('cache_lookups_total');
    expect(bypassed).toMatch(/cache_lookups_total\{cache="treatments",result="bypass"\} [1-9]/);
  });

  it('a platform-wide 0% turns the cache off for every clinic without its own flag; a clinic flag that is on wins', async () => {
    const plain = await clinicWithPeople();
    const pinned = await clinicWithPeople();
    expect((await admin.put(`/api/admin/clinics/${pinned.clinic.id}/features/response-cache`, { enabled: true })).status).toBe(
      200,
    );
    const plainTreatment = await addTreatment(plain.ownerOnA, 'Before');
    const pinnedTreatment = await addTreatment(pinned.ownerOnA, 'Before');
    for (const c of [plain, pinned]) expect(names(await c.ownerOnB.get('/api/treatments'))).toEqual(['Before']);
    await renameInDatabase(plainTreatment.id, 'After');
    await renameInDatabase(pinnedTreatment.id, 'After');

    const set = await admin.put('/api/admin/features/response-cache', { enabled: true, rolloutPercent: 0 });
    try {
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ key: 'response-cache', enabled: true, rolloutPercent: 0 });
      const listed = await admin.get('/api/admin/features');
      expect(listed.body).toContainEqual(expect.objectContaining({ key: 'response-cache', rolloutPercent: 0 }));
      const seen = await eventually(
        () => plain.ownerOnB.get('/api/treatments'),
        (res) => names(res)[0] === 'After',
      );
      expect(names(seen)).toEqual(['After']);
      expect(names(await pinned.ownerOnB.get('/api/treatments'))).toEqual(['Before']);

      const { rows } = await nodes.a.db.owner.query<{ metadata: Record<string, unknown> }>(
        `SELECT metadata FROM audit_logs WHERE action = 'feature_flag.set_default' AND target_id = 'response-cache'`,
      );
      expect(rows.at(-1)!.metadata).toEqual({ key: 'response-cache', from: null, to: { enabled: true, rolloutPercent: 0 } });
    } finally {
      await admin.put('/api/admin/features/response-cache', { enabled: true, rolloutPercent: 100 });
    }
  });
});

describe('a node whose Redis is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => t.stop());

  it('still caches the catalogue and drops it on its own writes', async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    await addTreatment(owner, 'First');
    expect(names(await owner.get('/api/treatments'))).toEqual(['First']);
    const second = await addTreatment(owner, 'Second');
    expect(names(await owner.get('/api/treatments'))).toEqual(['First', 'Second']);
    expect((await owner.patch(`/api/treatments/${second.id}`, { isActive: false })).status).toBe(200);
    expect(names(await owner.get('/api/treatments'))).toEqual(['First']);
    expect(names(await owner.get('/api/treatments'))).toEqual(['First']);
    const lookups = await t.metrics.registry.getSingleMetricAsString('cache_lookups_total');
    expect(lookups).toMatch(/cache_lookups_total\{cache="treatments",result="miss"\} 3$/m);
    expect(lookups).toMatch(/cache_lookups_total\{cache="treatments",result="hit"\} 1$/m);
  });
});
