import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The core promise, as one table: every route that takes the id of a tenant row, called by clinic A
 * with clinic B's id, answers exactly as for an id that does not exist, and B's row stays as it was.
 * A new :id route joins by adding a line to ROUTES (the last test fails until it does).
 */

let t: TestApp;
let asOwnerA: HttpClient;
let asReceptionistA: HttpClient;
const b = {} as {
  owner: TestUser;
  staff: TestUser;
  disabledStaff: TestUser;
  accountCustomer: { id: string; userId: string };
  walkInCustomer: { id: string };
};

type Target = 'staff' | 'disabledStaff' | 'owner' | 'accountCustomer' | 'walkInCustomer';
type Table = 'users' | 'customers';

interface IsolationRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  table: Table;
  /** B's rows to aim at: each one a row the call would change (or reveal) if the wall failed. */
  targets: Target[];
  /** Whether A's receptionist may call the route at all (otherwise the role guard answers first). */
  receptionist: boolean;
}

const ROUTES: IsolationRoute[] = [
  { method: 'GET', path: '/api/staff/:id', table: 'users', targets: ['staff', 'owner'], receptionist: false },
  { method: 'PATCH', path: '/api/staff/:id', body: { fullName: 'Taken Over', role: 'receptionist' }, table: 'users', targets: ['staff', 'owner'], receptionist: false },
  { method: 'POST', path: '/api/staff/:id/disable', table: 'users', targets: ['staff', 'owner'], receptionist: false },
  { method: 'POST', path: '/api/staff/:id/enable', table: 'users', targets: ['disabledStaff'], receptionist: false },
  { method: 'GET', path: '/api/customers/:id', table: 'customers', targets: ['accountCustomer', 'walkInCustomer'], receptionist: true },
  { method: 'PATCH', path: '/api/customers/:id', body: { fullName: 'Taken Over', notes: 'changed by another clinic' }, table: 'customers', targets: ['accountCustomer', 'walkInCustomer'], receptionist: true },
  { method: 'DELETE', path: '/api/customers/:id', table: 'customers', targets: ['accountCustomer', 'walkInCustomer'], receptionist: false },
];

// Routes whose id is not a tenant row of the caller's clinic: the platform's own (super admins only,
// cross-clinic by design, audited); the role-guard matrix keeps everyone else out of them.
const NOT_TENANT_ID_ROUTES = [/^\/api\/admin\//];

/** Everything of B's that a leaking call could touch: the row, the account behind it, its sessions and audit entries. */
async function snapshot(table: Table, id: string) {
  const row = (await t.db.owner.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0];
  const userId = table === 'users' ? id : row?.user_id;
  const user = userId ? (await t.db.owner.query('SELECT * FROM users WHERE id = $1', [userId])).rows[0] : null;
  const sessions = userId ? (await t.db.owner.query('SELECT * FROM sessions WHERE user_id = $1 ORDER BY id', [userId])).rows : [];
  const audit = (await t.db.owner.query('SELECT count(*)::int AS n FROM audit_logs WHERE target_id = $1 OR clinic_id = $2', [id, row?.clinic_id])).rows[0];
  return { row, user, sessions, audit };
}

function call(client: HttpClient, route: IsolationRoute, id: string) {
  return client.request(route.method, route.path.replace(':id', id), route.body);
}

// Two calls answer "the same" when only the request's own id and URL differ.
const shape = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });

beforeAll(async () => {
  t = await startTestApp();
  const clinicA = await createClinic(t, { tier: 'enterprise' });
  const ownerA = await createUser(t, clinicA.id, 'clinic_owner');
  const receptionistA = await createUser(t, clinicA.id, 'receptionist');
  asOwnerA = await signInAs(t, ownerA);
  asReceptionistA = await signInAs(t, receptionistA);

  const clinicB = await createClinic(t, { tier: 'enterprise' });
  b.owner = await createUser(t, clinicB.id, 'clinic_owner');
  b.staff = await createUser(t, clinicB.id, 'clinic_staff');
  b.disabledStaff = await createUser(t, clinicB.id, 'clinic_staff', { disabled: true });
  const customerUser = await createUser(t, clinicB.id, 'customer');
  b.accountCustomer = (await t.db.owner.query('SELECT id, user_id AS "userId" FROM customers WHERE user_id = $1', [customerUser.id])).rows[0];
  b.walkInCustomer = (await t.db.owner.query(`INSERT INTO customers (clinic_id, full_name, notes) VALUES ($1, 'B walk-in', 'B private notes') RETURNING id`, [clinicB.id])).rows[0];
  // B's people are signed in, so a leaked disable would show as revoked sessions.
  for (const user of [b.owner, b.staff, customerUser]) await signInAs(t, user);
});
afterAll(() => t.stop());

const cases = ROUTES.flatMap((route) =>
  route.targets.flatMap((target) => [
    { caller: 'owner' as const, route, target },
    ...(route.receptionist ? [{ caller: 'receptionist' as const, route, target }] : []),
  ]),
);

describe("clinic A never reaches clinic B's rows", () => {
  it.each(cases)("$route.method $route.path with B's $target, as A's $caller: 404 and B's row unchanged", async ({ caller, route, target }) => {
    const client = caller === 'owner' ? asOwnerA : asReceptionistA;
    const id = b[target].id;
    const before = await snapshot(route.table, id);
    expect(before.row).toBeDefined();

    const foreign = await call(client, route, id);
    const absent = await call(client, route, randomUUID());

    expect(foreign.status).toBe(404);
    expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(foreign.body.type).toBe('/problems/not-found');
    expect(shape(foreign.body)).toEqual(shape(absent.body));
    expect(absent.status).toBe(404);
    expect(await snapshot(route.table, id)).toEqual(before);
  });

  it('every API route that takes an id is in this matrix', async () => {
    const doc = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const covered = new Set(ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const missing = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/') && path.includes('{') && !NOT_TENANT_ID_ROUTES.some((re) => re.test(path)))
      .flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'head').map((m) => `${m.toUpperCase()} ${path}`))
      .filter((op) => !covered.has(op));
    expect(missing, 'add these routes to ROUTES in test/isolation/api-isolation.test.ts').toEqual([]);
  });
});
