import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import type { Role } from '../../src/users/role-vocabulary.ts';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { multipartFile } from '../support/multipart.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Role × route: a role the route does not admit gets 403 forbidden, a caller without a session 401
 * unauthenticated, and an admitted role gets past the guard (whatever the route then answers). Ids in
 * paths are random, so admitted calls change nothing that matters. A new API route joins by adding a
 * line to GUARDED (the last test fails until it does).
 */

const ALL_ROLES: Role[] = ['customer', 'receptionist', 'clinic_staff', 'clinic_admin', 'clinic_owner', 'super_admin'];
const STAFF: Role[] = ['clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist'];
const MANAGERS: Role[] = ['clinic_owner', 'clinic_admin'];
const MEMBERS: Role[] = [...STAFF, 'customer'];
// Health data (analyses and photos): not the front desk.
const TREATING: Role[] = ['clinic_owner', 'clinic_admin', 'clinic_staff', 'customer'];

let n = 0;
const unique = () => `${Date.now().toString(36)}${++n}`;

interface GuardedRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  allowed: Role[];
  /** A valid body, so that an admitted caller gets past validation too (the guard runs before it). */
  body?: () => unknown;
  /** A valid query string, for the same reason. */
  query?: () => string;
  /** A multipart/form-data body (with its content-type header) instead of a JSON one. */
  multipart?: () => { body: Buffer; headers: Record<string, string> };
  /** What an admitted caller does first, so that the route's own rules do not answer 403 after the guard. */
  arrange?: (client: HttpClient) => Promise<unknown>;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const dateInDays = (days: number) => inDays(days).slice(0, 10);

const GUARDED: GuardedRoute[] = [
  { method: 'GET', path: '/api/me', allowed: ALL_ROLES },
  { method: 'PATCH', path: '/api/me', allowed: ALL_ROLES, body: () => ({ phone: '+66 81 234 5678' }) },
  // The same password again: the route runs to the end and the test's sessions stay signed in.
  {
    method: 'POST',
    path: '/api/me/password',
    allowed: ALL_ROLES,
    body: () => ({ currentPassword: PASSWORD, newPassword: PASSWORD }),
  },
  { method: 'POST', path: '/api/auth/sign-out-others', allowed: ALL_ROLES },
  { method: 'GET', path: '/api/me/two-factor', allowed: ALL_ROLES },
  { method: 'POST', path: '/api/me/two-factor/enrolment', allowed: ALL_ROLES },
  // A made-up code: an admitted caller gets 400 two-factor-code-invalid, and nothing is turned on or off.
  { method: 'POST', path: '/api/me/two-factor/enrolment/confirm', allowed: ALL_ROLES, body: () => ({ code: '000000' }) },
  { method: 'POST', path: '/api/me/two-factor/disable', allowed: ALL_ROLES, body: () => ({ code: '000000' }) },

  { method: 'GET', path: '/api/staff', allowed: MANAGERS },
  { method: 'GET', path: '/api/staff/:id', allowed: MANAGERS },
  {
    method: 'POST',
    path: '/api/staff',
    allowed: MANAGERS,
    body: () => ({
      email: `guard-${unique()}@example.test`,
      fullName: 'Guard Test',
      role: 'receptionist',
      password: 'an initial password',
    }),
  },
  { method: 'PATCH', path: '/api/staff/:id', allowed: MANAGERS, body: () => ({ fullName: 'Guard Test' }) },
  { method: 'POST', path: '/api/staff/:id/disable', allowed: MANAGERS },
  { method: 'POST', path: '/api/staff/:id/enable', allowed: MANAGERS },
  { method: 'GET', path: '/api/staff/invitations', allowed: MANAGERS },
  {
    method: 'POST',
    path: '/api/staff/invitations',
    allowed: MANAGERS,
    body: () => ({ email: `guard-${unique()}@example.test`, fullName: 'Guard Test', role: 'receptionist', locale: 'en' }),
  },
  { method: 'POST', path: '/api/staff/invitations/:id/resend', allowed: MANAGERS },
  { method: 'DELETE', path: '/api/staff/invitations/:id', allowed: MANAGERS },

  { method: 'GET', path: '/api/customers', allowed: STAFF },
  { method: 'GET', path: '/api/customers/:id', allowed: STAFF },
  { method: 'POST', path: '/api/customers', allowed: STAFF, body: () => ({ fullName: 'Guard Walk-in' }) },
  { method: 'PATCH', path: '/api/customers/:id', allowed: STAFF, body: () => ({ fullName: 'Guard Test' }) },
  { method: 'DELETE', path: '/api/customers/:id', allowed: MANAGERS },
  { method: 'GET', path: '/api/customers/me', allowed: ['customer'] },
  { method: 'GET', path: '/api/customers/:id/appointments', allowed: STAFF },
  { method: 'PATCH', path: '/api/customers/me', allowed: ['customer'], body: () => ({ phone: '0812345678' }) },
  { method: 'GET', path: '/api/customers/me/erasure-request', allowed: ['customer'] },
  { method: 'POST', path: '/api/customers/me/erasure-request', allowed: ['customer'] },
  { method: 'GET', path: '/api/erasure-requests', allowed: MANAGERS },
  { method: 'POST', path: '/api/customers/:id/erasure', allowed: MANAGERS },
  { method: 'GET', path: '/api/customers/me/export', allowed: ['customer'] },
  { method: 'GET', path: '/api/customers/:id/export', allowed: TREATING.filter((r) => r !== 'customer') },

  { method: 'GET', path: '/api/clinic', allowed: MEMBERS },
  { method: 'PATCH', path: '/api/clinic', allowed: MANAGERS, body: () => ({ locale: 'th' }) },
  { method: 'GET', path: '/api/clinic/features', allowed: MEMBERS },
  { method: 'GET', path: '/api/audit-logs', allowed: ['clinic_owner'] },

  { method: 'GET', path: '/api/admin/clinics', allowed: ['super_admin'] },
  { method: 'GET', path: '/api/admin/tiers', allowed: ['super_admin'] },
  {
    method: 'POST',
    path: '/api/admin/clinics',
    allowed: ['super_admin'],
    body: () => ({
      slug: `guard-${unique()}`,
      name: 'Guard Clinic',
      tier: 'starter',
      owner: { email: `guard-owner-${unique()}@example.test`, fullName: 'Guard Owner', password: 'an initial password' },
    }),
  },
  { method: 'GET', path: '/api/admin/clinics/:id', allowed: ['super_admin'] },
  { method: 'PATCH', path: '/api/admin/clinics/:id', allowed: ['super_admin'], body: () => ({ name: 'Guard Clinic' }) },
  { method: 'POST', path: '/api/admin/clinics/:id/suspend', allowed: ['super_admin'] },
  { method: 'POST', path: '/api/admin/clinics/:id/reactivate', allowed: ['super_admin'] },
  { method: 'GET', path: '/api/admin/features', allowed: ['super_admin'] },
  {
    method: 'PUT',
    path: '/api/admin/features/:key',
    allowed: ['super_admin'],
    body: () => ({ enabled: false, rolloutPercent: 0 }),
  },
  { method: 'GET', path: '/api/admin/clinics/:id/features', allowed: ['super_admin'] },
  { method: 'PUT', path: '/api/admin/clinics/:id/features/:key', allowed: ['super_admin'], body: () => ({ enabled: true }) },
  { method: 'DELETE', path: '/api/admin/clinics/:id/features/:key', allowed: ['super_admin'] },
  { method: 'GET', path: '/api/admin/audit-logs', allowed: ['super_admin'] },
  { method: 'GET', path: '/api/admin/analytics/clinics', allowed: ['super_admin'] },
  { method: 'GET', path: '/api/admin/system', allowed: ['super_admin'] },

  { method: 'GET', path: '/api/reports/performance', allowed: MANAGERS },
  { method: 'GET', path: '/api/reports/performance/periods.csv', allowed: MANAGERS },
  { method: 'GET', path: '/api/reports/performance/staff.csv', allowed: MANAGERS },
  { method: 'GET', path: '/api/reports/performance/treatments.csv', allowed: MANAGERS },

  { method: 'GET', path: '/api/treatments', allowed: MEMBERS },
  { method: 'GET', path: '/api/treatments/:id', allowed: MEMBERS },
  {
    method: 'POST',
    path: '/api/treatments',
    allowed: MANAGERS,
    body: () => ({ name: { en: 'Guard Facial' }, category: 'facial', durationMinutes: 30, priceSatang: 100_000 }),
  },
  { method: 'PATCH', path: '/api/treatments/:id', allowed: MANAGERS, body: () => ({ priceSatang: 1 }) },

  { method: 'GET', path: '/api/clinic/setup-progress', allowed: MANAGERS },

  { method: 'GET', path: '/api/rooms', allowed: STAFF },
  { method: 'POST', path: '/api/rooms', allowed: MANAGERS, body: () => ({ name: `Guard Room ${unique()}` }) },
  { method: 'PATCH', path: '/api/rooms/:id', allowed: MANAGERS, body: () => ({ isActive: false }) },

  { method: 'GET', path: '/api/booking-rules', allowed: MEMBERS },
  {
    method: 'PUT',
    path: '/api/booking-rules',
    allowed: MANAGERS,
    body: () => ({
      minNoticeMinutes: 120,
      maxAdvanceDays: 60,
      slotIntervalMinutes: 15,
      cancellationFees: [{ hoursBefore: 24, feePercent: 50 }],
    }),
  },
  { method: 'GET', path: '/api/staff/:id/schedule', allowed: STAFF },
  {
    method: 'PUT',
    path: '/api/staff/:id/working-hours',
    allowed: MANAGERS,
    body: () => ({ weeklyHours: [{ weekday: 1, start: '09:00', end: '17:00' }] }),
  },
  { method: 'PUT', path: '/api/staff/:id/treatments', allowed: MANAGERS, body: () => ({ treatmentIds: [] }) },
  {
    method: 'POST',
    path: '/api/staff/:id/exceptions',
    allowed: MANAGERS,
    body: () => ({ kind: 'leave', startsAt: inDays(3), endsAt: inDays(4) }),
  },
  { method: 'DELETE', path: '/api/staff/:id/exceptions/:exceptionId', allowed: MANAGERS },

  {
    method: 'GET',
    path: '/api/availability',
    allowed: MEMBERS,
    query: () => `treatmentId=${randomUUID()}&fromDate=${dateInDays(2)}&toDate=${dateInDays(3)}`,
  },
  {
    method: 'POST',
    path: '/api/appointments',
    allowed: MEMBERS,
    body: () => ({ treatmentId: randomUUID(), startsAt: inDays(2), newCustomer: { fullName: 'Guard Walk-in' } }),
  },
  {
    method: 'GET',
    path: '/api/appointments',
    allowed: STAFF,
    query: () => `from=${encodeURIComponent(inDays(0))}&until=${encodeURIComponent(inDays(7))}`,
  },
  { method: 'GET', path: '/api/appointments/mine', allowed: ['customer'] },
  { method: 'GET', path: '/api/appointments/:id', allowed: MEMBERS },
  { method: 'GET', path: '/api/appointments/:id/cancellation-quote', allowed: MEMBERS },
  { method: 'POST', path: '/api/appointments/:id/cancel', allowed: MEMBERS, body: () => ({ reason: 'Guard test' }) },
  { method: 'POST', path: '/api/appointments/:id/reschedule', allowed: MEMBERS, body: () => ({ startsAt: inDays(2) }) },
  { method: 'POST', path: '/api/appointments/:id/status', allowed: STAFF, body: () => ({ status: 'confirmed' }) },

  { method: 'GET', path: '/api/notifications', allowed: MEMBERS },
  { method: 'POST', path: '/api/notifications/:id/read', allowed: MEMBERS },
  { method: 'GET', path: '/api/notifications/unread-count', allowed: MEMBERS },
  { method: 'GET', path: '/api/notifications/events', allowed: MEMBERS },
  { method: 'POST', path: '/api/notifications/read-all', allowed: MEMBERS },
  { method: 'GET', path: '/api/notifications/preferences', allowed: MEMBERS },
  { method: 'PUT', path: '/api/notifications/preferences', allowed: MEMBERS, body: () => ({ email: true, line: false }) },
  { method: 'GET', path: '/api/clinic/line-channel', allowed: MANAGERS },
  {
    method: 'PUT',
    path: '/api/clinic/line-channel',
    allowed: MANAGERS,
    body: () => ({ accessToken: 'guard-test-line-channel-access-token' }),
  },

  { method: 'GET', path: '/api/analysis-consent/text', allowed: MEMBERS, query: () => 'locale=en' },
  { method: 'GET', path: '/api/analysis-consent', allowed: MEMBERS, query: () => `customerId=${randomUUID()}` },
  {
    method: 'POST',
    path: '/api/analysis-consent',
    allowed: MEMBERS,
    body: () => ({ customerId: randomUUID(), version: CONSENT_VERSION, locale: 'en' }),
  },
  { method: 'DELETE', path: '/api/analysis-consent', allowed: MEMBERS, query: () => `customerId=${randomUUID()}` },
  // Not a photo: an admitted customer is refused by the photo pipeline (415), after the guard and
  // before anything is stored. Without consent on record the upload would answer 403 consent-required.
  {
    method: 'POST',
    path: '/api/analyses',
    allowed: TREATING,
    query: () => `customerId=${randomUUID()}`,
    multipart: () => multipartFile('photo', 'face.jpg', 'image/jpeg', Buffer.from('not a photo at all')),
    arrange: (client) => client.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' }),
  },
  { method: 'GET', path: '/api/analyses', allowed: TREATING },
  { method: 'GET', path: '/api/analyses/compare', allowed: TREATING, query: () => `a=${randomUUID()}&b=${randomUUID()}` },
  { method: 'GET', path: '/api/analyses/trend', allowed: TREATING, query: () => `customerId=${randomUUID()}` },
  { method: 'GET', path: '/api/analyses/:id', allowed: TREATING },
  { method: 'GET', path: '/api/analyses/:id/images/:variant', allowed: TREATING },
  { method: 'GET', path: '/api/analyses/:id/events', allowed: TREATING },
];

// Open to anyone, or acting only on the caller's own session (sign-out-everywhere would end the sessions this test uses).
const NOT_ROLE_GUARDED = [
  'GET /api/auth/csrf',
  'POST /api/auth/sign-up',
  'POST /api/auth/verify-email',
  'POST /api/auth/verify-email/resend',
  'POST /api/auth/sign-in',
  'POST /api/auth/sign-out',
  'POST /api/auth/sign-out-everywhere',
  'POST /api/auth/password-reset',
  'POST /api/auth/password-reset/confirm',
  'POST /api/auth/invitations/accept',
  'POST /api/auth/sign-in/two-factor',
];

let t: TestApp;
const clients = new Map<Role | 'anonymous', HttpClient>();

beforeAll(async () => {
  // A live stream past the guard ends soon, so its case reads the whole answer.
  t = await startTestApp({ SSE_MAX_SECONDS: '1' });
  const clinic = await createClinic(t, { tier: 'enterprise' });
  for (const role of ALL_ROLES) {
    clients.set(role, await signInAs(t, await createUser(t, role === 'super_admin' ? null : clinic.id, role)));
  }
  clients.set('anonymous', new HttpClient(t.app));
});
afterAll(() => t.stop());

const fill = (path: string) =>
  path
    .replace(':key', 'guard.feature')
    .replace(':variant', 'working')
    .replace(/:\w+/g, () => randomUUID());

const cases = GUARDED.flatMap((route) =>
  [...ALL_ROLES, 'anonymous' as const].map((caller) => ({
    route,
    caller,
    expected:
      caller === 'anonymous' ? '401 unauthenticated' : route.allowed.includes(caller) ? 'past the guard' : '403 forbidden',
  })),
);

describe('role guards', () => {
  it.each(cases)('$route.method $route.path as $caller: $expected', async ({ route, caller, expected }) => {
    const url = route.query ? `${fill(route.path)}?${route.query()}` : fill(route.path);
    const client = clients.get(caller)!;
    if (expected === 'past the guard') await route.arrange?.(client);
    const upload = route.multipart?.();
    const res = await client.request(route.method, url, upload?.body ?? route.body?.(), upload?.headers);
    if (expected === 'past the guard') {
      expect(res.status, JSON.stringify(res.body)).not.toBe(401);
      expect(res.status, JSON.stringify(res.body)).not.toBe(403);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    } else {
      const [status, code] = expected.split(' ');
      expect([res.status, res.body.type]).toEqual([Number(status), `/problems/${code}`]);
    }
  });

  it('every API route is in this matrix', async () => {
    const doc = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const known = new Set([...GUARDED.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`), ...NOT_ROLE_GUARDED]);
    const missing = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => m !== 'head')
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .filter((op) => !known.has(op));
    expect(missing, 'add these routes to GUARDED in test/isolation/role-guard.test.ts').toEqual([]);
  });

  // The guard runs before the body is validated: a caller without the role learns nothing about what
  // the route would accept, and an admitted one gets the usual 400.
  const INVALID_BODY = ['not', 'an', 'object'];
  const invalidBodyCases = GUARDED.filter((r) => r.body && r.allowed.every((role) => MANAGERS.includes(role))).flatMap((route) =>
    (['customer', 'receptionist', 'clinic_admin'] as const).map((caller) => ({
      route,
      caller,
      expected: MANAGERS.includes(caller) ? 400 : 403,
    })),
  );

  it.each(invalidBodyCases)(
    'an invalid body to $route.method $route.path as $caller answers $expected',
    async ({ route, caller, expected }) => {
      const res = await clients.get(caller)!.request(route.method, fill(route.path), INVALID_BODY);
      expect([res.status, res.body.type]).toEqual([
        expected,
        expected === 403 ? '/problems/forbidden' : '/problems/validation-failed',
      ]);
    },
  );

  it('sign-out everywhere needs a session', async () => {
    const res = await new HttpClient(t.app).post('/api/auth/sign-out-everywhere');
    expect([res.status, res.body.type]).toEqual([401, '/problems/unauthenticated']);
  });
});
