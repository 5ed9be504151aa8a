import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs, type TestClinic } from '../support/factories.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { customerOf, storedObjects, uploadPhoto } from './analysis-steps.ts';

// Three API nodes on one database and one storage folder: configured for OpenAI with the local
// provider as platform default, with OpenAI as platform default, and with no OpenAI key at all.
let openai: FakeOpenAiServer;
let storageDir: string;
let t: TestApp;
let openaiByDefault: TestApp;
let keyless: TestApp;
let admin: HttpClient;
let photo: Buffer;

beforeAll(async () => {
  openai = await startFakeOpenAiServer();
  storageDir = await mkdtemp(join(tmpdir(), 'bwai-provider-storage-'));
  const withOpenAi = { STORAGE_DIR: storageDir, OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL };
  t = await startTestApp(withOpenAi);
  openaiByDefault = await startTestApp({ ...withOpenAi, ANALYSIS_DEFAULT_PROVIDER: 'openai' }, { database: t.database });
  keyless = await startTestApp({ STORAGE_DIR: storageDir }, { database: t.database });
  admin = await signInAs(t, await createUser(t, null, 'super_admin'));
  photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c99b82' } })
    .jpeg()
    .toBuffer();
});
afterAll(async () => {
  await keyless.stop();
  await openaiByDefault.stop();
  await t.stop();
  await openai.close();
  await rm(storageDir, { recursive: true, force: true });
});

async function clinicOn(provider: 'local' | 'openai' | null): Promise<TestClinic> {
  const clinic = await createClinic(t);
  if (provider) expect((await admin.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: provider })).status).toBe(200);
  return clinic;
}

/** The provider recorded for a fresh upload, as the analysis detail shows it. */
async function providerOfUpload(client: HttpClient): Promise<string> {
  const accepted = await uploadPhoto(client, photo);
  expect(accepted.status).toBe(202);
  const detail = await client.get(`/api/analyses/${accepted.body.id}`);
  expect(detail.status).toBe(200);
  return detail.body.provider;
}

const objectsOf = (clinicId: string) => storedObjects(storageDir, clinicId);

describe('which provider analyses a photo', () => {
  it('a clinic a super admin moved to OpenAI gets its analyses from OpenAI; another clinic stays local', async () => {
    const onOpenAi = await clinicOn('openai');
    const onDefault = await clinicOn(null);
    expect(await providerOfUpload(await customerOf(t, onOpenAi, { node: t }))).toBe('openai');
    expect(await providerOfUpload(await customerOf(t, onDefault, { node: t }))).toBe('local');
  });

  it('with OpenAI as the platform default, a clinic without a choice uses it and one set to local keeps local', async () => {
    const onDefault = await clinicOn(null);
    const onLocal = await clinicOn('local');
    expect(await providerOfUpload(await customerOf(t, onDefault, { node: openaiByDefault }))).toBe('openai');
    expect(await providerOfUpload(await customerOf(t, onLocal, { node: openaiByDefault }))).toBe('local');
  });

  it('an upload for a clinic on OpenAI reaching a node without a key gets 409 and nothing is stored or counted', async () => {
    const clinic = await clinicOn('openai');
    const customer = await customerOf(t, clinic, { node: keyless });
    const res = await uploadPhoto(customer, photo);
    expect([res.status, res.body.type]).toEqual([409, '/problems/analysis-provider-unavailable']);

    expect(await objectsOf(clinic.id)).toEqual([]);
    const { rows } = await t.db.owner.query(
      `SELECT (SELECT count(*)::int FROM skin_analyses WHERE clinic_id = $1) AS analyses,
              (SELECT coalesce(sum(analyses_used), 0)::int FROM clinic_analysis_usage WHERE clinic_id = $1) AS quota_used,
              (SELECT coalesce(sum(bytes_used), 0)::int FROM clinic_storage_usage WHERE clinic_id = $1) AS bytes_used`,
      [clinic.id],
    );
    expect(rows[0]).toEqual({ analyses: 0, quota_used: 0, bytes_used: 0 });

    // A node that has the key accepts the clinic's photos.
    expect(await providerOfUpload(await customerOf(t, clinic, { node: t }))).toBe('openai');
  });
});
