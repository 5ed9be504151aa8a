import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { ObjectStorage } from '../../src/storage/object-storage.ts';
import { customerOf } from '../analysis/analysis-steps.ts';
import type { TestClinic } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import type { TestApp } from '../support/test-app.ts';

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
