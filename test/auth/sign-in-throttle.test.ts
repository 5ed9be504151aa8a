import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, PASSWORD } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PER_PAIR = 5;
const PER_IP = 12;
const FROM_NEW_ADDRESSES = 8;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    SIGN_IN_MAX_FAILURES_PER_ACCOUNT: String(PER_PAIR),
    SIGN_IN_MAX_FAILURES_PER_IP: String(PER_IP),
    SIGN_IN_MAX_FAILURES_FROM_NEW_ADDRESSES: String(FROM_NEW_ADDRESSES),
  });
});
afterAll(() => t.stop());

const signIn = (ip: string, email: string, password: string) =>
  new HttpClient(t.app, ip).post('/api/auth/sign-in', { email, password });

const statusCounts = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((counts, s) => ({ ...counts, [s]: (counts[s] ?? 0) + 1 }), {});

describe('sign-in throttling', () => {
  it('60 wrong passwords sent at once for one account: at most 5 are checked, the rest get 429', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'customer');
    const answers = await Promise.all(Array.from({ length: 60 }, () => signIn('10.20.0.1', user.email, 'a wrong guess')));
    const counts = statusCounts(answers.map((a) => a.status));
    // Each 401 is one password verified; a 429 is refused before verification.
    expect(counts[401]).toBeLessThanOrEqual(PER_PAIR);
    expect(counts[401]! + counts[429]!).toBe(60);
    expect(answers.find((a) => a.status === 429)!.body.type).toBe('/problems/sign-in-locked');
    console.info(`60 parallel wrong passwords: ${counts[401]} verified, ${counts[429]} refused with 429`);
  });

  it('an address that used up its tries on an account is refused even the right password, with Retry-After', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'customer');
    for (let i = 0; i < PER_PAIR; i++) expect((await signIn('10.20.1.1', user.email, 'wrong')).status).toBe(401);
    const locked = await signIn('10.20.1.1', user.email, PASSWORD);
    expect([locked.status, locked.body.type]).toEqual([429, '/problems/sign-in-locked']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a right password clears the count of its address, so a typo later does not lock the owner out', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'customer');
    for (let i = 0; i < PER_PAIR - 1; i++) expect((await signIn('10.20.2.1', user.email, 'typo')).status).toBe(401);
    expect((await signIn('10.20.2.1', user.email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < PER_PAIR - 1; i++) expect((await signIn('10.20.2.1', user.email, 'typo')).status).toBe(401);
    expect((await signIn('10.20.2.1', user.email, PASSWORD)).status).toBe(200);
  });

  it('an attacker on many addresses cannot stop the owner signing in from an address they used before', async () => {
    const clinic = await createClinic(t);
    const owner = await createUser(t, clinic.id, 'clinic_owner');
    const home = '10.20.3.1';
    expect((await signIn(home, owner.email, PASSWORD)).status).toBe(200);

    // Ten addresses, three guesses each: the account's budget for unknown addresses runs out.
    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, a) =>
        Promise.all(Array.from({ length: 3 }, () => signIn(`10.21.${a}.1`, owner.email, 'guess'))),
      ),
    );
    const counts = statusCounts(guesses.flat().map((g) => g.status));
    expect(counts[401]).toBe(FROM_NEW_ADDRESSES);
    expect(counts[429]).toBe(30 - FROM_NEW_ADDRESSES);
    expect((await signIn('10.21.99.1', owner.email, 'guess')).status).toBe(429);

    // The owner at home is not slowed down, and is not refused even after a wrong try.
    expect((await signIn(home, owner.email, 'fat finger')).status).toBe(401);
    expect((await signIn(home, owner.email, PASSWORD)).status).toBe(200);
    // From an address never used before, the owner waits like the attacker until the window ends.
    expect((await signIn('10.20.3.2', owner.email, PASSWORD)).status).toBe(429);
  });

  it('one address trying many accounts is throttled across accounts', async () => {
    const clinic = await createClinic(t);
    const users = await Promise.all(Array.from({ length: 4 }, () => createUser(t, clinic.id, 'customer')));
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP + 2; i++) statuses.push((await signIn('10.20.4.1', users[i % 4]!.email, 'spray')).status);
    expect(statuses.slice(0, PER_IP).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(PER_IP)).toEqual([429, 429]);
    // Another address is not affected.
    expect((await signIn('10.20.4.2', users[0]!.email, PASSWORD)).status).toBe(200);
  });
});
