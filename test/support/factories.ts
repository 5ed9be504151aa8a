import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords.ts';
import { ClinicStatus, Tier } from '../../src/clinics/clinic-schemas.ts';
import type { Role } from '../../src/users/role-vocabulary.ts';
import { HttpClient } from './http-client.ts';
import type { TestApp } from './test-app.ts';

export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

const unique = () => randomBytes(4).toString('hex');

export interface TestClinic {
  id: string;
  slug: string;
  tier: string;
}

/** Through the clinic service, as a platform process would (no owner: add people with createUser). */
export async function createClinic(
  t: Pick<TestApp, 'services'>,
  overrides: { tier?: string; status?: string; slug?: string } = {},
): Promise<TestClinic> {
  const slug = overrides.slug ?? `clinic-${unique()}`;
  const clinic = await t.services.clinics.createClinic(
    { userId: null, role: null },
    {
      slug,
      name: `Clinic ${slug}`,
      tier: Tier.parse(overrides.tier ?? 'starter'),
      status: ClinicStatus.parse(overrides.status ?? 'active'),
      timeZone: 'Asia/Bangkok',
      locale: 'th',
    },
    { ip: null, userAgent: null },
  );
  return { id: clinic.id, slug: clinic.slug, tier: clinic.tier };
}

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  clinicId: string | null;
}

export async function createUser(
  t: Pick<TestApp, 'db'>,
  clinicId: string | null,
  role: Role,
  overrides: { email?: string; disabled?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(PASSWORD);
  const email = overrides.email ?? `${role}-${unique()}@example.test`;
  const { rows } = await t.db.owner.query<TestUser>(
    `INSERT INTO users (clinic_id, email, password_hash, role, full_name, disabled_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END) RETURNING id, email, role, clinic_id AS "clinicId"`,
    [clinicId, email, await passwordHash, role, `Test ${role}`, overrides.disabled ?? false],
  );
  const user = rows[0]!;
  if (role === 'customer' && clinicId) {
    await t.db.owner.query('INSERT INTO customers (clinic_id, user_id, full_name, email) VALUES ($1, $2, $3, $4)', [
      clinicId,
      user.id,
      `Test ${role}`,
      email,
    ]);
  }
  return user;
}

/** A client signed in through the real sign-in route. */
export async function signInAs(
  t: TestApp,
  user: Pick<TestUser, 'email'>,
  ip = `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
): Promise<HttpClient> {
  const client = new HttpClient(t.app, ip);
  const res = await client.post('/api/auth/sign-in', { email: user.email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in failed for ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}
