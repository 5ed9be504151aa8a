import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTotpSecret, timeStep, totpCode } from '../../src/auth/totp.ts';
import { enrolTwoFactor, fromBase32 } from '../support/authenticator.ts';
import { createClinic, createUser, PASSWORD, signInAs, type TestUser } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ TOTP_ENCRYPTION_KEY: 'ab'.repeat(32) });
});
afterAll(() => t.stop());

const storedSecret = async (userId: string) =>
  (await t.db.owner.query<{ totp_secret: Buffer }>('SELECT totp_secret FROM users WHERE id = $1', [userId])).rows[0]!.totp_secret;

async function signInWithCode(user: TestUser, code: string, node: TestApp = t) {
  const client = new HttpClient(node.app, '10.80.0.1');
  const first = await client.post('/api/auth/sign-in', { email: user.email, password: PASSWORD });
  expect(first.status).toBe(202);
  return client.post('/api/auth/sign-in/two-factor', { challenge: first.body.challenge, code });
}

describe('TOTP secrets at rest', () => {
  it('the database holds the enrolled secret only encrypted, and its codes still sign in', async () => {
    const user = await createUser(t, (await createClinic(t)).id, 'clinic_owner');
    const { secret, code } = await enrolTwoFactor(await signInAs(t, user));
    const plain = fromBase32(secret);
    const stored = await storedSecret(user.id);
    expect(stored.includes(plain)).toBe(false);
    expect(stored.toString('latin1').includes(secret)).toBe(false);
    expect(stored.length).toBeGreaterThan(plain.length);
    expect((await signInWithCode(user, code(0))).status).toBe(200);
  });

  it('a secret stored before encryption still signs in, and is encrypted by that sign-in', async () => {
    const user = await createUser(t, (await createClinic(t)).id, 'clinic_owner');
    const plain = newTotpSecret();
    await t.db.owner.query('UPDATE users SET totp_secret = $2, totp_enabled_at = now() WHERE id = $1', [user.id, plain]);

    expect((await signInWithCode(user, totpCode(plain, timeStep(new Date())))).status).toBe(200);
    const stored = await storedSecret(user.id);
    expect(stored.includes(plain)).toBe(false);
    // The rewritten value opens to the same secret: the next step's code signs in again.
    expect((await signInWithCode(user, totpCode(plain, timeStep(new Date()) + 1))).status).toBe(200);
    expect((await storedSecret(user.id)).equals(stored)).toBe(true);
  });

  it('a node whose key is not the one a secret was sealed with answers 503 two-factor-unavailable, and a recovery code still signs in', async () => {
    const user = await createUser(t, (await createClinic(t)).id, 'clinic_owner');
    const { code, recoveryCodes } = await enrolTwoFactor(await signInAs(t, user));
    // The operator changed TOTP_ENCRYPTION_KEY: a second node on the same data with another key.
    const rekeyed = await startTestApp({ TOTP_ENCRYPTION_KEY: 'cd'.repeat(32) }, { database: t.database });
    try {
      const refused = await signInWithCode(user, code(0), rekeyed);
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ type: '/problems/two-factor-unavailable', status: 503 });
      expect((await signInWithCode(user, recoveryCodes[0]!, rekeyed)).status).toBe(200);
      // The sealed secret is left as it was: with the right key back, the app's codes work again.
      expect((await signInWithCode(user, code(1))).status).toBe(200);
    } finally {
      await rekeyed.stop();
    }
  });
});
