import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ SESSION_IDLE_HOURS: '2', SESSION_TTL_HOURS: '336' });
});
afterAll(async () => {
  await t.stop();
});

/** Signs a new staff member in; `lastSeen` moves the session's last request into the past. */
async function signedInStaff() {
  const clinic = await createClinic(t);
  const user = await createUser(t, clinic.id, 'clinic_staff');
  const client = await signInAs(t, user);
  const lastSeen = (minutesAgo: number) =>
    t.db.owner.query(`UPDATE sessions SET last_seen_at = now() - make_interval(mins => $2) WHERE user_id = $1`, [
      user.id,
      minutesAgo,
    ]);
  return { client, user, lastSeen };
}

describe('session idle timeout', () => {
  it('a session used within the idle limit stays signed in, long into its lifetime', async () => {
    const { client, lastSeen } = await signedInStaff();
    await lastSeen(119);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('last_seen_at is written only every few minutes, so a session just past the limit by that much still counts', async () => {
    const { client, lastSeen } = await signedInStaff();
    await lastSeen(123);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('a session unused for longer than SESSION_IDLE_HOURS is signed out (401) and stays so', async () => {
    const { client, lastSeen } = await signedInStaff();
    await lastSeen(2 * 60 + 6);
    expect((await client.get('/api/me')).status).toBe(401);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('a request restarts the idle clock', async () => {
    const { client, user, lastSeen } = await signedInStaff();
    await lastSeen(100);
    expect((await client.get('/api/me')).status).toBe(200);
    const { rows } = await t.db.owner.query<{ fresh: boolean }>(
      `SELECT now() - last_seen_at < interval '1 minute' AS fresh FROM sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ fresh: true }]);
  });
});
