import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { deriveFacePhotos } from '../analysis/face-photos.ts';
import { ALL_WEEK, localDateInDays, localInstant } from '../support/clinic-operations.ts';
import { createClinic, createUser } from '../support/factories.ts';
import { multipartFile } from '../support/multipart.ts';
import { signInThrough, startTestCluster, type ClusterClient, type TestCluster } from './cluster-client.ts';

// One cluster for the file: starting it takes most of the file's time.
let c: TestCluster;
let lb: string;
let admin: ClusterClient;
let face: Buffer;
beforeAll(async () => {
  // Before any connection is open: the face model holds the event loop for seconds, and a kept-alive
  // connection the balancer closed meanwhile would be reused by the next request and fail.
  face = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] }))[0]!.photo;
  c = await startTestCluster();
  lb = c.cluster.urls.balancer;
  admin = await signInThrough(lb, (await createUser(c.runtime, null, 'super_admin')).email);
}, 180_000);
afterAll(() => c?.stop(), 60_000);

async function clinicWithOwner(tier = 'professional') {
  const clinic = await createClinic(c.runtime, { tier });
  const owner = await signInThrough(lb, (await createUser(c.runtime, clinic.id, 'clinic_owner')).email);
  return { clinic, owner };
}

async function bookableTreatment(owner: ClusterClient): Promise<{ id: string }> {
  const clinicId = (await owner.get('/api/me')).body.clinicId;
  const staff = await createUser(c.runtime, clinicId, 'clinic_staff');
  const treatment = await owner.post('/api/treatments', {
    name: { en: 'Hydrating facial', th: 'ทรีทเมนต์หน้าใส' },
    category: 'facial',
    durationMinutes: 60,
    priceSatang: 150_000,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
  });
  expect(treatment.status).toBe(201);
  expect((await owner.put(`/api/staff/${staff.id}/working-hours`, { weeklyHours: ALL_WEEK })).status).toBe(204);
  expect((await owner.put(`/api/staff/${staff.id}/treatments`, { treatmentIds: [treatment.body.id] })).status).toBe(204);
  return treatment.body;
}

describe('two API nodes behind the balancer', () => {
  it('a booking made through one node is seen through the other at once, even with the replica frozen', async () => {
    const { clinic, owner } = await clinicWithOwner();
    const treatment = await bookableTreatment(owner);
    const customer = await signInThrough(lb, (await createUser(c.runtime, clinic.id, 'customer')).email);
    const date = localDateInDays(3);
    const startsAt = localInstant(date, '10:00');
    const slots = `/api/availability?treatmentId=${treatment.id}&fromDate=${date}&toDate=${date}`;
    // Both nodes have read (and may have cached) the day's slots before the booking.
    for (const node of ['api1', 'api2'] as const) {
      const before = await customer.on(node).get(slots);
      expect(before.body.map((s: { startsAt: string }) => s.startsAt)).toContain(startsAt);
    }

    // With the replica no longer applying the primary's changes, a read served there would miss the booking.
    const replica = new pg.Client({ connectionString: c.cluster.urls.replica });
    await replica.connect();
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      const booked = await customer.on('api1').post('/api/appointments', { treatmentId: treatment.id, startsAt });
      expect(booked.status).toBe(201);
      expect(booked.headers.get('x-served-by')).toBe('api1');

      const mine = await customer.on('api2').get('/api/appointments/mine');
      expect(mine.headers.get('x-served-by')).toBe('api2');
      expect(mine.body.map((a: { id: string }) => a.id)).toEqual([booked.body.id]);
      const after = await customer.on('api2').get(slots);
      expect(after.body.map((s: { startsAt: string }) => s.startsAt)).not.toContain(startsAt);
      const range = `from=${encodeURIComponent(localInstant(date, '00:00'))}&until=${encodeURIComponent(localInstant(date, '23:59'))}`;
      const day = await owner.on('api2').get(`/api/appointments?${range}`);
      expect(day.status).toBe(200);
      expect(JSON.stringify(day.body)).toContain(booked.body.id);

      const onReplica = await replica.query('SELECT count(*)::int AS n FROM appointments WHERE id = $1', [booked.body.id]);
      expect(onReplica.rows[0].n).toBe(0);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
      await replica.end();
    }
  });

  it('a rate limit spent on one node counts on the other', async () => {
    const { clinic, owner } = await clinicWithOwner();
    expect(
      (await admin.patch(`/api/admin/clinics/${clinic.id}`, { quotaOverrides: { api_requests_per_minute: 6 } })).status,
    ).toBe(200);
    const answers = [];
    for (const node of ['api1', 'api2', 'api1', 'api2', 'api1', 'api2', 'api1', 'api2'] as const) {
      const res = await owner.on(node).get('/api/me');
      answers.push([res.headers.get('x-served-by'), res.status, res.headers.get('ratelimit')]);
    }
    expect(answers.map((a) => a[0])).toEqual(['api1', 'api2', 'api1', 'api2', 'api1', 'api2', 'api1', 'api2']);
    expect(answers.map((a) => a[1])).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const remaining = answers.map((a) => Number(/r=(\d+)/.exec(String(a[2]))?.[1]));
    expect(remaining).toEqual([5, 4, 3, 2, 1, 0, 0, 0]);
  });

  it("a change to a clinic's settings through one node reaches the other node's cache at once", async () => {
    const { clinic, owner } = await clinicWithOwner('starter');
    const policyOn = async (node: 'api1' | 'api2') => (await owner.on(node).get('/api/me')).headers.get('ratelimit-policy');
    // api2 has the clinic (with its plan's limit) in its cache.
    const before = await policyOn('api2');
    expect(before).toMatch(/^"clinic";q=\d+;w=60$/);
    const res = await admin
      .on('api1')
      .patch(`/api/admin/clinics/${clinic.id}`, { quotaOverrides: { api_requests_per_minute: 77 } });
    expect([res.status, res.headers.get('x-served-by')]).toEqual([200, 'api1']);
    expect(await policyOn('api2')).toBe('"clinic";q=77;w=60');
    expect(before).not.toBe('"clinic";q=77;w=60');
  });
});

describe('nginx as the CDN edge', () => {
  it('serves a hashed asset from its cache after the first request, and never an API answer or a photo', async () => {
    const edge = c.cluster.urls.edge;
    const assets = await readdir(join('web', 'dist', 'assets')).catch(() => []);
    const asset = assets.find((f) => f.endsWith('.js'));
    if (!asset) throw new Error('no built web app: run `npm run build:web` before the cluster tests');
    const cacheStatus = async (path: string, client?: ClusterClient) => {
      const res = await fetch(`${edge}${path}`, { headers: client?.headers() ?? {} });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      return [res.headers.get('x-cache-status'), res.headers.get('cache-control')];
    };
    expect((await cacheStatus(`/assets/${asset}`))[0]).toBe('MISS');
    expect(await cacheStatus(`/assets/${asset}`)).toEqual(['HIT', 'public, max-age=31536000, immutable']);

    const { clinic, owner } = await clinicWithOwner();
    const customer = await signInThrough(edge, (await createUser(c.runtime, clinic.id, 'customer')).email);
    expect((await customer.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' })).status).toBe(201);
    const { body, headers } = multipartFile('photo', 'face.jpg', 'image/jpeg', face);
    const upload = await customer.request('POST', '/api/analyses', body, headers);
    expect(upload.status).toBe(202);
    const photo = `/api/analyses/${upload.body.id}/images/working`;
    for (let i = 0; i < 3; i++) {
      expect((await cacheStatus('/api/me', owner))[0]).not.toBe('HIT');
      expect((await cacheStatus(photo, customer))[0]).not.toBe('HIT');
    }
    // Another person asking for the same address gets no copy of the photo from the edge.
    const stranger = await fetch(`${edge}${photo}`);
    expect([stranger.status, stranger.headers.get('x-cache-status')]).toEqual([401, 'MISS']);
  }, 60_000);
});
