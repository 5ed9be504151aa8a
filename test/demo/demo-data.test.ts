import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoData, type DemoLogin } from '../../src/demo/demo-data.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('the demo on an empty laptop database', () => {
  let t: TestApp;
  let logins: DemoLogin[];

  beforeAll(async () => {
    t = await startTestApp();
    logins = await ensureDemoData(t);
  });
  afterAll(() => t?.stop());

  it('every printed sign-in works', async () => {
    expect(logins.length).toBe(9);
    for (const [i, login] of logins.entries()) {
      const client = new HttpClient(t.app, `10.9.0.${i + 1}`);
      expect((await client.post('/api/auth/sign-in', { email: login.email, password: login.password })).status).toBe(200);
    }
  });

  it('each clinic can be booked at once: treatments in three languages, and each customer holds an upcoming appointment', async () => {
    const { rows: treatments } = await t.db.owner.query<{ clinics: number; named: number }>(
      `SELECT count(DISTINCT clinic_id)::int AS clinics, count(*) FILTER (WHERE name_en <> '' AND name_th <> '' AND name_zh <> '')::int AS named FROM treatments`,
    );
    expect(treatments[0]).toEqual({ clinics: 2, named: 6 });
    const { rows } = await t.db.owner.query<{ email: string; upcoming: number }>(
      `SELECT u.email, count(a.id)::int AS upcoming FROM users u JOIN customers c ON c.user_id = u.id
       LEFT JOIN appointments a ON a.customer_id = c.id AND a.starts_at > now() AND a.status = 'scheduled'
       WHERE u.role = 'customer' GROUP BY u.email`,
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.upcoming).toBe(1);
  });

  it('a second start reuses the demo and creates nothing more', async () => {
    const count = async () =>
      (await t.db.owner.query<{ n: number }>('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM appointments) AS n'))
        .rows[0]!.n;
    const before = await count();
    expect(await ensureDemoData(t)).toEqual(logins);
    expect(await count()).toBe(before);
  });
});
