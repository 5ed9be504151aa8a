import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let owner: HttpClient;
beforeAll(async () => {
  t = await startTestApp({ DATABASE_PREPARED_STATEMENTS: 'on' });
  const clinic = await createClinic(t);
  owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
});
afterAll(() => t.stop());

describe('named statements', () => {
  it('a column added while the app runs does not fail the reads that had prepared SELECT * on that table', async () => {
    expect(
      (
        await owner.post('/api/treatments', {
          name: { en: 'Hydra' },
          category: 'facial',
          durationMinutes: 30,
          priceSatang: 90_000,
        })
      ).status,
    ).toBe(201);
    // Several rounds, so several connections of the pool hold the statement prepared.
    const reads = () => Promise.all(Array.from({ length: 6 }, () => owner.get('/api/treatments')));
    for (const res of await reads()) expect(res.status).toBe(200);
    await t.db.owner.query('ALTER TABLE treatments ADD COLUMN added_while_running text');
    for (const res of await reads()) expect(res.status).toBe(200);
    for (const res of await reads()) expect(res.body[0]).toMatchObject({ name: { en: 'Hydra' } });
  });
});
