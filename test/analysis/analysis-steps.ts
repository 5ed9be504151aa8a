import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { createUser, signInAs, type TestClinic } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { multipartFile } from '../support/multipart.ts';
import type { TestApp } from '../support/test-app.ts';

/**
 * A customer of the clinic who has (unless told otherwise) consented to photo analysis, signed in
 * on `node` (another API node on the same database) or on `t`.
 */
export async function customerOf(t: TestApp, clinic: TestClinic, { consent = true, node = t } = {}): Promise<HttpClient> {
  const user = await createUser(t, clinic.id, 'customer');
  const client = await signInAs(node, user);
  if (consent) {
    const res = await client.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' });
    expect(res.status).toBe(201);
  }
  return client;
}

export function uploadPhoto(client: HttpClient, photo: Buffer, query = '', type = 'image/jpeg') {
  const { body, headers } = multipartFile('photo', 'face.jpg', type, photo);
  return client.request('POST', `/api/analyses${query}`, body, headers);
}

/** Polls the analysis until it is completed, rejected or failed, and returns its detail. */
export async function finishedAnalysis(client: HttpClient, id: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await client.get(`/api/analyses/${id}`);
    if (['completed', 'rejected', 'failed'].includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`analysis ${id} did not finish`);
}

export async function analysesUsed(t: TestApp, clinicId: string): Promise<number> {
  const usage = await t.db.owner.query(
    'SELECT coalesce(sum(analyses_used), 0)::int AS n FROM clinic_analysis_usage WHERE clinic_id = $1',
    [clinicId],
  );
  return usage.rows[0].n;
}

/** The files a clinic has in a local storage folder; a clinic that stored nothing has no folder. */
export const storedObjects = (storageDir: string, clinicId: string) =>
  readdir(join(storageDir, 'objects', 'clinics', clinicId), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });

/**
 * The photo made a little brighter (`step` steps): a different photo to the platform, the same face to
 * the analysis. The same photo twice is answered with its existing analysis, so a backlog needs these.
 */
export function variantOf(photo: Buffer, step: number): Promise<Buffer> {
  return sharp(photo)
    .modulate({ brightness: 1 + step * 0.002 })
    .jpeg({ quality: 92 })
    .toBuffer();
}
