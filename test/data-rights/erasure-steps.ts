import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ObjectStorage } from '../../src/storage/object-storage.ts';
import { customerOf } from '../analysis/analysis-steps.ts';
import type { TestClinic } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { startS3TestServer, type S3TestServer } from '../storage/s3-test-server.ts';

/** The keys a clinic holds in storage (photos, thumbnails, heatmaps), local or S3 alike. */
export async function storedKeys(storage: ObjectStorage, clinicId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(`clinics/${clinicId}/`)) keys.push(object.key);
  return keys;
}

export interface PersonalDetails {
  fullName: string;
  email: string;
  phone: string;
}

/** A consenting customer with a name, email and phone found nowhere else, so a search for them finds only them. */
export async function identifiableCustomer(
  t: TestApp,
  clinic: TestClinic,
): Promise<{ client: HttpClient; id: string; userId: string; details: PersonalDetails }> {
  const client = await customerOf(t, clinic);
  const mark = randomBytes(4).toString('hex');
  const phone = `+66 8${parseInt(mark, 16) % 100_000_000}`.padEnd(12, '7');
  const changed = await client.patch('/api/customers/me', { fullName: `Erasable Person ${mark}`, phone });
  expect(changed.status).toBe(200);
  return {
    client,
    id: changed.body.id,
    userId: changed.body.userId,
    details: { fullName: changed.body.fullName, email: changed.body.email, phone: changed.body.phone },
  };
}

/** An app storing in a local S3 server, started and stopped around the calling describe block; read it inside tests. */
export function appOnS3(): () => TestApp {
  let s3: S3TestServer;
  let app: TestApp;
  beforeAll(async () => {
    s3 = await startS3TestServer();
    app = await startTestApp(s3.env);
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await s3.stop();
  });
  return () => app;
}
