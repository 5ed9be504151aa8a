import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { rawPhoto } from '../uploads/photo-fixtures.ts';
import { customerOf, uploadPhoto } from './analysis-steps.ts';

const UPLOADS_PER_MINUTE = 3;

let t: TestApp;
let admin: HttpClient;
let photos: Buffer[];
beforeAll(async () => {
  t = await startTestApp({ ANALYSIS_UPLOADS_PER_MINUTE: String(UPLOADS_PER_MINUTE), UPLOAD_MAX_BYTES: String(300_000) });
  admin = await signInAs(t, await createUser(t, null, 'super_admin'));
  photos = await Promise.all([320, 330, 340, 350].map((w) => rawPhoto(w, 240).jpeg().toBuffer()));
});
afterAll(() => t.stop());

const setMonthlyAnalyses = async (clinicId: string, n: number) =>
  expect((await admin.patch(`/api/admin/clinics/${clinicId}`, { quotaOverrides: { monthly_analyses: n } })).status).toBe(200);

describe("the clinic's upload rate", () => {
  it('refused uploads (too large, not an image, no consent, over the monthly quota) spend none of it', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    await setMonthlyAnalyses(clinic.id, 2);
    const customer = await customerOf(t, clinic);
    const unconsented = await customerOf(t, clinic, { consent: false });

    for (let i = 0; i < UPLOADS_PER_MINUTE; i++) {
      expect((await uploadPhoto(customer, randomBytes(400_000))).status).toBe(413);
      expect((await uploadPhoto(customer, Buffer.from('not a photo at all'))).status).toBe(415);
      expect((await uploadPhoto(unconsented, photos[0]!)).status).toBe(403);
    }
    expect((await uploadPhoto(customer, photos[0]!)).status).toBe(202);
    expect((await uploadPhoto(customer, photos[1]!)).status).toBe(202);
    for (let i = 0; i < UPLOADS_PER_MINUTE; i++) {
      const res = await uploadPhoto(customer, photos[2]!);
      expect([res.status, res.body.type]).toEqual([402, '/problems/analysis-quota-exceeded']);
    }

    // Only the two accepted uploads counted: one more is accepted, and the one after it is over the rate.
    await setMonthlyAnalyses(clinic.id, 10);
    expect((await uploadPhoto(customer, photos[2]!)).status).toBe(202);
    const over = await uploadPhoto(customer, photos[3]!);
    expect([over.status, over.body.type]).toEqual([429, '/problems/too-many-requests']);
  });
});
