import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { createAnalysisObjects } from '../../src/analysis/analysis-objects.ts';
import { imageRemovalJob } from '../../src/analysis/image-removal-job.ts';
import { createObjectStorage } from '../../src/storage/object-storage.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { finishedAnalysis, uploadPhoto } from '../analysis/analysis-steps.ts';
import { deriveFacePhotos } from '../analysis/face-photos.ts';
import { setUpBookableTreatment, localDateInDays, localInstant } from '../support/clinic-operations.ts';
import { eventually } from '../support/eventually.ts';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { columnsHolding } from '../support/personal-data.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { S3RVER_CREDENTIALS } from '../storage/s3-test-server.ts';
import { appOnS3, identifiableCustomer, storedKeys } from './erasure-steps.ts';

let t: TestApp;
let faces: Buffer[];
beforeAll(async () => {
  t = await startTestApp();
  faces = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] })).map((f) => f.photo);
}, 120_000);
afterAll(() => t.stop());

async function clinicWithManagers(app: TestApp) {
  const clinic = await createClinic(app, { tier: 'professional' });
  const owner = await createUser(app, clinic.id, 'clinic_owner');
  const doctor = await createUser(app, clinic.id, 'clinic_staff');
  return { clinic, owner: await signInAs(app, owner), doctor, asDoctor: await signInAs(app, doctor) };
}

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("a customer's erasure", () => {
  it('asked for by the customer and carried out by the owner leaves no personal field, no photo and no heatmap', async () => {
    const { clinic, owner, doctor } = await clinicWithManagers(t);
    const customer = await identifiableCustomer(t, clinic);
    const treatment = await setUpBookableTreatment(owner, doctor.id, { priceSatang: 250_000 });

    // History: a visit that happened, one still to come, an analysis with heatmaps, a failed sign-in with the address.
    const past = await customer.client.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(2), '10:00'),
      notes: `Allergic, ask ${customer.details.fullName}`,
    });
    expect(past.status).toBe(201);
    await t.db.owner.query(
      `UPDATE appointments SET starts_at = starts_at - interval '30 days', ends_at = ends_at - interval '30 days', status = 'completed' WHERE id = $1`,
      [past.body.id],
    );
    const upcoming = await customer.client.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(3), '11:00'),
    });
    expect(upcoming.status).toBe(201);
    const worker = await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob, imageRemovalJob]);
    try {
      const upload = await uploadPhoto(customer.client, faces[0]!);
      expect(upload.status).toBe(202);
      expect((await finishedAnalysis(customer.client, upload.body.id, 60_000)).status).toBe('completed');
      const keys = await storedKeys(t.storage, clinic.id);
      expect(keys.some((k) => k.includes('/photos/'))).toBe(true);
      expect(keys.some((k) => k.includes('heatmap-'))).toBe(true);
      const wrong = await new HttpClient(t.app, '10.9.9.9').post('/api/auth/sign-in', {
        email: customer.details.email,
        password: 'not the password',
      });
      expect(wrong.status).toBe(401);

      // A record with history cannot simply be deleted; the customer asks to be forgotten, twice.
      expect((await owner.delete(`/api/customers/${customer.id}`)).body.type).toBe('/problems/still-in-use');
      const asked = await customer.client.post('/api/customers/me/erasure-request');
      expect([asked.status, asked.body]).toEqual([202, expect.anything()]);
      const again = await customer.client.post('/api/customers/me/erasure-request');
      expect(again.body.requestedAt).toBe(asked.body.requestedAt);
      expect((await customer.client.get('/api/customers/me/erasure-request')).body).toEqual(asked.body);
      const waiting = await owner.get('/api/erasure-requests');
      expect(waiting.body.items).toEqual([
        { customerId: customer.id, customerName: customer.details.fullName, requestedAt: asked.body.requestedAt },
      ]);

      const erased = await owner.post(`/api/customers/${customer.id}/erasure`);
      expect(erased.status).toBe(204);

      // Storage: every object of the clinic was this customer's, and the job removes them all.
      expect(
        await eventually(
          () => storedKeys(t.storage, clinic.id),
          (k) => k.length === 0,
        ),
      ).toEqual([]);
    } finally {
      await worker.stop();
    }
    const { rows: usage } = await t.db.owner.query('SELECT bytes_used FROM clinic_storage_usage WHERE clinic_id = $1', [
      clinic.id,
    ]);
    expect(Number(usage[0].bytes_used)).toBe(0);

    // No table holds the name, address or phone number.
    for (const value of Object.values(customer.details)) expect(await columnsHolding(t.db.owner, value)).toEqual([]);

    // The clinic keeps its accounts: date, treatment and price, linked to nobody; the visit to come is cancelled.
    const { rows: kept } = await t.db.owner.query(
      `SELECT id, customer_id, treatment_id, price_satang, status, notes, created_by_user_id FROM appointments WHERE id = ANY($1) ORDER BY starts_at`,
      [[past.body.id, upcoming.body.id]],
    );
    expect(kept).toEqual([
      {
        id: past.body.id,
        customer_id: null,
        treatment_id: treatment.id,
        price_satang: '250000',
        status: 'completed',
        notes: '',
        created_by_user_id: null,
      },
      {
        id: upcoming.body.id,
        customer_id: null,
        treatment_id: treatment.id,
        price_satang: '250000',
        status: 'cancelled',
        notes: '',
        created_by_user_id: null,
      },
    ]);
    for (const table of ['skin_analyses', 'analysis_consents', 'notifications', 'customers']) {
      const { rows } = await t.db.owner.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE clinic_id = $1 AND ${table === 'customers' ? 'id' : 'customer_id'} = $2`,
        [clinic.id, customer.id],
      );
      expect([table, rows[0].n]).toEqual([table, 0]);
    }

    // The account cannot sign in, and its open session has ended.
    const signIn = await new HttpClient(t.app, '10.9.9.10').post('/api/auth/sign-in', {
      email: customer.details.email,
      password: PASSWORD,
    });
    expect(signIn.status).toBe(401);
    expect((await customer.client.get('/api/customers/me')).status).toBe(401);

    // The audit log records the erasure and who did it, with counts only; the request is closed.
    const { rows: audit } = await t.db.owner.query(
      `SELECT actor_role, metadata FROM audit_logs WHERE action = 'customer.erase' AND target_id = $1`,
      [customer.id],
    );
    expect(audit).toEqual([
      {
        actor_role: 'clinic_owner',
        metadata: { analyses: 1, cancelledAppointments: 1, keptAppointments: 2, accountClosed: true },
      },
    ]);
    expect((await owner.get('/api/erasure-requests')).body.items).toEqual([]);
    const { rows: requests } = await t.db.owner.query(
      'SELECT customer_id, erased_at FROM erasure_requests WHERE clinic_id = $1',
      [clinic.id],
    );
    expect(requests).toEqual([{ customer_id: null, erased_at: expect.any(Date) }]);
  }, 180_000);

  it("is for owners and admins only, and another clinic's customer is not found", async () => {
    const { clinic, owner, asDoctor } = await clinicWithManagers(t);
    const customer = await identifiableCustomer(t, clinic);
    const receptionist = await signInAs(t, await createUser(t, clinic.id, 'receptionist'));
    for (const client of [asDoctor, receptionist, customer.client])
      expect((await client.post(`/api/customers/${customer.id}/erasure`)).status).toBe(403);
    expect((await receptionist.get('/api/erasure-requests')).status).toBe(403);
    const other = await clinicWithManagers(t);
    expect((await other.owner.post(`/api/customers/${customer.id}/erasure`)).status).toBe(404);
    expect((await owner.get('/api/customers/' + customer.id)).status).toBe(200);
    const admin = await signInAs(t, await createUser(t, clinic.id, 'clinic_admin'));
    expect((await admin.post(`/api/customers/${customer.id}/erasure`)).status).toBe(204);
    expect((await owner.get('/api/customers/' + customer.id)).status).toBe(404);
  });

  it('is finished by a retry when storage refused the first attempt, and again changes nothing', async () => {
    const { clinic, owner } = await clinicWithManagers(t);
    const customer = await identifiableCustomer(t, clinic);
    expect((await uploadPhoto(customer.client, faces[0]!)).status).toBe(202);
    const removal = await t.db.owner.query('SELECT id, photo_sha256 FROM skin_analyses WHERE customer_id = $1', [customer.id]);
    expect((await owner.post(`/api/customers/${customer.id}/erasure`)).status).toBe(204);
    const job = {
      id: 'retry',
      data: { clinicId: clinic.id, analysisIds: [removal.rows[0].id], photoSha256s: [removal.rows[0].photo_sha256] },
    };
    // The first attempt meets an object store that does not answer: the job fails, the files stay, the
    // database part stands (the customer is gone either way).
    const down = createObjectStorage({
      ...t.config,
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      S3_BUCKET: 'photos',
      ...S3RVER_CREDENTIALS,
    });
    const storageDown = {
      ...t,
      services: { ...t.services, analysisObjects: createAnalysisObjects({ pool: t.db.app, storage: down }) },
    };
    await expect(imageRemovalJob.handle(storageDown, [job] as never)).rejects.toThrow();
    expect((await storedKeys(t.storage, clinic.id)).length).toBe(4);
    expect((await owner.get(`/api/customers/${customer.id}`)).status).toBe(404);
    await imageRemovalJob.handle(t, [job] as never);
    expect(await storedKeys(t.storage, clinic.id)).toEqual([]);
    await imageRemovalJob.handle(t, [job] as never);
    expect(await storedKeys(t.storage, clinic.id)).toEqual([]);
  }, 60_000);
});

describe('an erasure on S3 storage', () => {
  const s3App = appOnS3();

  it('deletes the photo, working copy and thumbnails from the bucket', async () => {
    const onS3 = s3App();
    const { clinic, owner } = await clinicWithManagers(onS3);
    const customer = await identifiableCustomer(onS3, clinic);
    expect((await uploadPhoto(customer.client, faces[0]!)).status).toBe(202);
    expect((await storedKeys(onS3.storage, clinic.id)).length).toBe(4);
    const worker = await startWorker(onS3, onS3.database.ownerUrl, [imageRemovalJob]);
    try {
      expect((await owner.post(`/api/customers/${customer.id}/erasure`)).status).toBe(204);
      expect(
        await eventually(
          () => storedKeys(onS3.storage, clinic.id),
          (k) => k.length === 0,
        ),
      ).toEqual([]);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
