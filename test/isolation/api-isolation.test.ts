import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishAnalysis } from '../../src/analysis/analysis-repo.ts';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { heatmapKey } from '../../src/analysis/heatmap-key.ts';
import { CONCERNS, type SkinAnalysisResult } from '../../src/analysis/skin-analyzer.ts';
import { encodeCursor } from '../../src/http/pagination.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';
import type { HttpClient, Response } from '../support/http-client.ts';
import { multipartFile } from '../support/multipart.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The core promise, as one table: every route that takes the id of a tenant row, called by clinic A
 * with clinic B's id, answers exactly as for an id that does not exist, and B's row stays as it was.
 * A new :id route joins by adding a line to ROUTES (the last test fails until it does). Ids that
 * travel in a body or a query string (booking a treatment, a customer, a staff member) are in REFERENCES.
 */

let t: TestApp;
let storageDir: string;
let asOwnerA: HttpClient;
let asReceptionistA: HttpClient;
let asCustomerA: HttpClient;
const a = {} as {
  clinicId: string;
  staff: TestUser;
  customer: { id: string };
  treatment: { id: string };
  appointment: { id: string };
  analysis: { id: string };
};
const b = {} as {
  clinicId: string;
  owner: TestUser;
  staff: TestUser;
  disabledStaff: TestUser;
  invitation: { id: string };
  accountCustomer: { id: string; userId: string };
  walkInCustomer: { id: string };
  treatment: { id: string };
  room: { id: string };
  appointment: { id: string };
  exception: { id: string };
  notification: { id: string };
  analysis: { id: string };
  secondAnalysis: { id: string };
};

type Target =
  | 'staff'
  | 'disabledStaff'
  | 'invitation'
  | 'owner'
  | 'accountCustomer'
  | 'walkInCustomer'
  | 'treatment'
  | 'room'
  | 'appointment'
  | 'exception'
  | 'notification'
  | 'analysis';
type Table =
  | 'users'
  | 'customers'
  | 'treatments'
  | 'rooms'
  | 'appointments'
  | 'staff_schedule_exceptions'
  | 'notifications'
  | 'skin_analyses';

interface IsolationRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** The path parameter that takes the target's id (`id` unless named); `params` fills the others. */
  idParam?: string;
  params?: () => Record<string, string>;
  body?: unknown;
  table: Table;
  /** B's rows to aim at: each one a row the call would change (or reveal) if the wall failed. */
  targets: Target[];
  /** Whether A's receptionist may call the route at all (otherwise the role guard answers first). */
  receptionist: boolean;
  /** Whether A's customers may call it too. */
  customer?: boolean;
}

// Valid requests a leak would act on: B's appointment (day 5, 10:00) could move to 11:00; B's staff work every day.
const rescheduleTo = localInstant(localDateInDays(5), '11:00');
const leave = {
  kind: 'leave',
  startsAt: localInstant(localDateInDays(12), '09:00'),
  endsAt: localInstant(localDateInDays(12), '18:00'),
  note: 'taken over',
};

const ROUTES: IsolationRoute[] = [
  { method: 'GET', path: '/api/staff/:id', table: 'users', targets: ['staff', 'owner'], receptionist: false },
  {
    method: 'PATCH',
    path: '/api/staff/:id',
    body: { fullName: 'Taken Over', role: 'receptionist' },
    table: 'users',
    targets: ['staff', 'owner'],
    receptionist: false,
  },
  { method: 'POST', path: '/api/staff/:id/disable', table: 'users', targets: ['staff', 'owner'], receptionist: false },
  { method: 'POST', path: '/api/staff/:id/enable', table: 'users', targets: ['disabledStaff'], receptionist: false },
  // A leaked resend would email B's invitee a new link; a leaked revoke would disable the invited account.
  { method: 'POST', path: '/api/staff/invitations/:id/resend', table: 'users', targets: ['invitation'], receptionist: false },
  { method: 'DELETE', path: '/api/staff/invitations/:id', table: 'users', targets: ['invitation'], receptionist: false },
  {
    method: 'GET',
    path: '/api/customers/:id',
    table: 'customers',
    targets: ['accountCustomer', 'walkInCustomer'],
    receptionist: true,
  },
  {
    method: 'PATCH',
    path: '/api/customers/:id',
    body: { fullName: 'Taken Over', notes: 'changed by another clinic' },
    table: 'customers',
    targets: ['accountCustomer', 'walkInCustomer'],
    receptionist: true,
  },
  {
    method: 'DELETE',
    path: '/api/customers/:id',
    table: 'customers',
    targets: ['accountCustomer', 'walkInCustomer'],
    receptionist: false,
  },
  // A leaked erasure would delete B's customer outright.
  {
    method: 'POST',
    path: '/api/customers/:id/erasure',
    table: 'customers',
    targets: ['accountCustomer', 'walkInCustomer'],
    receptionist: false,
  },
  // A leaked export would hand over B's customer's health data and photos.
  {
    method: 'GET',
    path: '/api/customers/:id/export',
    table: 'customers',
    targets: ['accountCustomer', 'walkInCustomer'],
    receptionist: false,
  },
  {
    method: 'GET',
    path: '/api/customers/:id/appointments',
    table: 'customers',
    targets: ['accountCustomer', 'walkInCustomer'],
    receptionist: true,
  },

  { method: 'GET', path: '/api/treatments/:id', table: 'treatments', targets: ['treatment'], receptionist: true, customer: true },
  {
    method: 'PATCH',
    path: '/api/treatments/:id',
    body: { priceSatang: 1, isActive: false },
    table: 'treatments',
    targets: ['treatment'],
    receptionist: false,
  },
  {
    method: 'PATCH',
    path: '/api/rooms/:id',
    body: { name: 'Taken Over', isActive: false },
    table: 'rooms',
    targets: ['room'],
    receptionist: false,
  },

  { method: 'GET', path: '/api/staff/:id/schedule', table: 'users', targets: ['staff', 'owner'], receptionist: true },
  {
    method: 'PUT',
    path: '/api/staff/:id/working-hours',
    body: { weeklyHours: [{ weekday: 1, start: '06:00', end: '07:00' }] },
    table: 'users',
    targets: ['staff', 'owner'],
    receptionist: false,
  },
  // An empty list: a leak would wipe the treatments B's staff member performs.
  {
    method: 'PUT',
    path: '/api/staff/:id/treatments',
    body: { treatmentIds: [] },
    table: 'users',
    targets: ['staff', 'owner'],
    receptionist: false,
  },
  {
    method: 'POST',
    path: '/api/staff/:id/exceptions',
    body: leave,
    table: 'users',
    targets: ['staff', 'owner'],
    receptionist: false,
  },
  // B's exception id under B's staff member (its owner), the same id under A's own staff member, and B's staff member's id with that exception.
  {
    method: 'DELETE',
    path: '/api/staff/:id/exceptions/:exceptionId',
    idParam: 'exceptionId',
    params: () => ({ id: b.staff.id }),
    table: 'staff_schedule_exceptions',
    targets: ['exception'],
    receptionist: false,
  },
  {
    method: 'DELETE',
    path: '/api/staff/:id/exceptions/:exceptionId',
    idParam: 'exceptionId',
    params: () => ({ id: a.staff.id }),
    table: 'staff_schedule_exceptions',
    targets: ['exception'],
    receptionist: false,
  },
  {
    method: 'DELETE',
    path: '/api/staff/:id/exceptions/:exceptionId',
    params: () => ({ exceptionId: b.exception.id }),
    table: 'users',
    targets: ['staff'],
    receptionist: false,
  },

  {
    method: 'GET',
    path: '/api/appointments/:id',
    table: 'appointments',
    targets: ['appointment'],
    receptionist: true,
    customer: true,
  },
  {
    method: 'GET',
    path: '/api/appointments/:id/cancellation-quote',
    table: 'appointments',
    targets: ['appointment'],
    receptionist: true,
    customer: true,
  },
  {
    method: 'POST',
    path: '/api/appointments/:id/cancel',
    body: { reason: 'taken over' },
    table: 'appointments',
    targets: ['appointment'],
    receptionist: true,
    customer: true,
  },
  {
    method: 'POST',
    path: '/api/appointments/:id/reschedule',
    body: { startsAt: rescheduleTo },
    table: 'appointments',
    targets: ['appointment'],
    receptionist: true,
    customer: true,
  },
  {
    method: 'POST',
    path: '/api/appointments/:id/status',
    body: { status: 'confirmed' },
    table: 'appointments',
    targets: ['appointment'],
    receptionist: true,
  },

  {
    method: 'POST',
    path: '/api/notifications/:id/read',
    table: 'notifications',
    targets: ['notification'],
    receptionist: true,
    customer: true,
  },

  // B's analysis is completed, with its photo, thumbnails and a heatmap stored: a leak would serve them
  // (and its live stream would answer at once rather than hang).
  {
    method: 'GET',
    path: '/api/analyses/:id',
    table: 'skin_analyses',
    targets: ['analysis'],
    receptionist: false,
    customer: true,
  },
  {
    method: 'GET',
    path: '/api/analyses/:id/images/:variant',
    params: () => ({ variant: 'working' }),
    table: 'skin_analyses',
    targets: ['analysis'],
    receptionist: false,
    customer: true,
  },
  {
    method: 'GET',
    path: '/api/analyses/:id/images/:variant',
    params: () => ({ variant: 'heatmap-redness' }),
    table: 'skin_analyses',
    targets: ['analysis'],
    receptionist: false,
    customer: true,
  },
  {
    method: 'GET',
    path: '/api/analyses/:id/events',
    table: 'skin_analyses',
    targets: ['analysis'],
    receptionist: false,
    customer: true,
  },
];

// Routes whose id is not a tenant row of the caller's clinic: the platform's own (super admins only,
// cross-clinic by design, audited); the role-guard matrix keeps everyone else out of them.
const NOT_TENANT_ID_ROUTES = [/^\/api\/admin\//];

// Every table with a clinic_id, found from the catalogue (a new table is covered as soon as it exists).
let tenantTables: string[];

/** All of a clinic's rows: a leak through a schedule or booking route shows as a changed, added or removed row here. */
async function rowsOfClinic(clinicId: string) {
  const rows: Record<string, unknown[]> = {};
  for (const table of tenantTables)
    rows[table] = (await t.db.owner.query(`SELECT * FROM ${table} t WHERE clinic_id = $1 ORDER BY t::text`, [clinicId])).rows;
  return rows;
}

/** Everything of B's that a leaking call could touch: the row, the account behind it, its sessions and audit entries, all of B's rows. */
async function snapshot(table: Table, id: string) {
  const row = (await t.db.owner.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0];
  const userId = table === 'users' ? id : row?.user_id;
  const user = userId ? (await t.db.owner.query('SELECT * FROM users WHERE id = $1', [userId])).rows[0] : null;
  const sessions = userId ? (await t.db.owner.query('SELECT * FROM sessions WHERE user_id = $1 ORDER BY id', [userId])).rows : [];
  const audit = (
    await t.db.owner.query('SELECT count(*)::int AS n FROM audit_logs WHERE target_id = $1 OR clinic_id = $2', [
      id,
      row?.clinic_id,
    ])
  ).rows[0];
  const clinicRows = row ? await rowsOfClinic(row.clinic_id) : null;
  return { row, user, sessions, audit, clinicRows };
}

function call(client: HttpClient, route: IsolationRoute, id: string) {
  const values: Record<string, string> = { ...route.params?.(), [route.idParam ?? 'id']: id };
  return client.request(
    route.method,
    route.path.replace(/:(\w+)/g, (_, name: string) => values[name]!),
    route.body,
  );
}

// Two calls answer "the same" when only the request's own id and URL differ.
const shape = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });
const answer = (res: Response) => ({ status: res.status, body: Array.isArray(res.body) ? res.body : shape(res.body) });

/** Every file in the app's object storage (photos of both clinics): a refused upload must add none. */
async function storedFiles() {
  return (await readdir(storageDir, { recursive: true })).sort();
}

/** Both clinics' rows, audit trail included, and the stored objects: a request that was refused must leave all of them as they were. */
async function bothClinics() {
  return { a: await rowsOfClinic(a.clinicId), b: await rowsOfClinic(b.clinicId), stored: await storedFiles() };
}

/** Books through the API as `client`, and fails the setup loudly if the booking is refused. */
async function book(client: HttpClient, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await client.post('/api/appointments', body);
  if (res.status !== 201) throw new Error(`booking: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A plain JPEG: the upload pipeline needs a readable photo, not a face (no analyser runs in this file). */
const plainPhoto = (red: number) =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: { r: red, g: 150, b: 130 } } })
    .jpeg()
    .toBuffer();
let sharedPhoto: Buffer;
let refusedPhoto: Buffer;

const uploadRequest = (customerId: string, photo: Buffer) => ({
  method: 'POST' as const,
  url: `/api/analyses?customerId=${customerId}`,
  ...multipartFile('photo', 'face.jpg', 'image/jpeg', photo),
});

/** Uploaded through the API by `client` (the customer's consent already on record), then finished as the worker would finish it, heatmap stored. */
async function completedAnalysis(
  client: HttpClient,
  clinicId: string,
  customerId: string,
  overallScore: number,
  photo = sharedPhoto,
): Promise<{ id: string }> {
  const { method, url, body, headers } = uploadRequest(customerId, photo);
  const res = await client.request(method, url, body, headers);
  if (res.status !== 202) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  const id: string = res.body.id;
  const concern = (score: number) => ({ score, regions: { forehead: score, left_cheek: score } });
  const result: Omit<SkinAnalysisResult, 'heatmaps'> = {
    provider: 'local',
    modelVersion: 'isolation-test',
    overallScore,
    concerns: Object.fromEntries(CONCERNS.map((c) => [c, concern(overallScore)])) as SkinAnalysisResult['concerns'],
    skinType: 'combination',
    skinAge: 31,
    confidence: 0.9,
  };
  const heatmap = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#ff000080' } })
    .png()
    .toBuffer();
  await t.storage.put(heatmapKey(clinicId, id, 'redness'), heatmap, 'image/png');
  await finishAnalysis(t.db.owner, id, {
    status: 'completed',
    result,
    overallScore,
    heatmapConcerns: ['redness'],
    heatmapBytes: heatmap.length,
    quality: { passed: true, problems: [] },
    skinTone: null,
  });
  return { id };
}

async function grantConsent(client: HttpClient, customerId: string): Promise<void> {
  const res = await client.post('/api/analysis-consent', { customerId, version: CONSENT_VERSION, locale: 'th' });
  if (res.status !== 201) throw new Error(`consent: ${res.status} ${JSON.stringify(res.body)}`);
}

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'bwai-isolation-storage-'));
  t = await startTestApp({ STORAGE_DIR: storageDir });
  [sharedPhoto, refusedPhoto] = await Promise.all([plainPhoto(200), plainPhoto(90)]);
  tenantTables = (
    await t.db.owner.query<{ table_name: string }>(`
    SELECT col.table_name FROM information_schema.columns col
    JOIN pg_class c ON c.relname = col.table_name AND c.relnamespace = 'public'::regnamespace
    WHERE col.table_schema = 'public' AND col.column_name = 'clinic_id' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY 1`)
  ).rows.map((r) => r.table_name);
  const clinicA = await createClinic(t, { tier: 'enterprise' });
  a.clinicId = clinicA.id;
  const ownerA = await createUser(t, clinicA.id, 'clinic_owner');
  const receptionistA = await createUser(t, clinicA.id, 'receptionist');
  const customerUserA = await createUser(t, clinicA.id, 'customer');
  asOwnerA = await signInAs(t, ownerA);
  asReceptionistA = await signInAs(t, receptionistA);
  asCustomerA = await signInAs(t, customerUserA);
  a.staff = await createUser(t, clinicA.id, 'clinic_staff');
  a.customer = (await t.db.owner.query('SELECT id FROM customers WHERE user_id = $1', [customerUserA.id])).rows[0];
  a.treatment = await setUpBookableTreatment(asOwnerA, a.staff.id);
  a.appointment = await book(asOwnerA, {
    treatmentId: a.treatment.id,
    startsAt: localInstant(localDateInDays(6), '14:00'),
    customerId: a.customer.id,
  });
  // A keeps the very photo B keeps (photo objects are addressed by content within a clinic): a lookup
  // that forgot the clinic would find objects to serve instead of answering 404.
  await grantConsent(asOwnerA, a.customer.id);
  a.analysis = await completedAnalysis(asOwnerA, a.clinicId, a.customer.id, 64);

  const clinicB = await createClinic(t, { tier: 'enterprise' });
  b.clinicId = clinicB.id;
  b.owner = await createUser(t, clinicB.id, 'clinic_owner');
  b.staff = await createUser(t, clinicB.id, 'clinic_staff');
  b.disabledStaff = await createUser(t, clinicB.id, 'clinic_staff', { disabled: true });
  const customerUser = await createUser(t, clinicB.id, 'customer');
  b.accountCustomer = (
    await t.db.owner.query('SELECT id, user_id AS "userId" FROM customers WHERE user_id = $1', [customerUser.id])
  ).rows[0];
  b.walkInCustomer = (
    await t.db.owner.query(
      `INSERT INTO customers (clinic_id, full_name, notes) VALUES ($1, 'B walk-in', 'B private notes') RETURNING id`,
      [clinicB.id],
    )
  ).rows[0];
  // B's people are signed in, so a leaked disable would show as revoked sessions.
  const asOwnerB = await signInAs(t, b.owner);
  const invitation = await asOwnerB.post('/api/staff/invitations', {
    email: `b-invitee-${randomUUID()}@example.test`,
    fullName: 'B Invitee',
    role: 'receptionist',
    locale: 'th',
  });
  if (invitation.status !== 201) throw new Error(`invitation: ${invitation.status} ${JSON.stringify(invitation.body)}`);
  b.invitation = invitation.body;
  for (const user of [b.staff, customerUser]) await signInAs(t, user);

  // B's operations, set up as B's own manager would: a treatment its staff member performs on weekly
  // hours, a room, a booked appointment (which takes the room) and a day of leave.
  b.treatment = await setUpBookableTreatment(asOwnerB, b.staff.id);
  const room = await asOwnerB.post('/api/rooms', { name: 'B Room 1' });
  if (room.status !== 201) throw new Error(`room: ${room.status} ${JSON.stringify(room.body)}`);
  b.room = room.body;
  b.appointment = await book(asOwnerB, {
    treatmentId: b.treatment.id,
    startsAt: localInstant(localDateInDays(5), '10:00'),
    customerId: b.accountCustomer.id,
  });
  const exception = await asOwnerB.post(`/api/staff/${b.staff.id}/exceptions`, {
    kind: 'leave',
    startsAt: localInstant(localDateInDays(10), '09:00'),
    endsAt: localInstant(localDateInDays(10), '18:00'),
  });
  if (exception.status !== 201) throw new Error(`exception: ${exception.status} ${JSON.stringify(exception.body)}`);
  b.exception = exception.body;
  // An unread in-app notice for B's owner: a leaked "mark as read" would stamp it.
  b.notification = (
    await t.db.owner.query(
      `INSERT INTO notifications (clinic_id, appointment_id, recipient_user_id, channel, kind, title, body) VALUES ($1, $2, $3, 'in_app', 'appointment.booked', 'New booking', 'B private booking') RETURNING id`,
      [clinicB.id, b.appointment.id, b.owner.id],
    )
  ).rows[0];
  // B's customer has consented and has two completed analyses: a leak could compare them, chart their
  // trend, or withdraw the consent.
  await grantConsent(asOwnerB, b.accountCustomer.id);
  b.analysis = await completedAnalysis(asOwnerB, b.clinicId, b.accountCustomer.id, 58);
  // Another photo: the same one again would be answered with the first analysis.
  b.secondAnalysis = await completedAnalysis(asOwnerB, b.clinicId, b.accountCustomer.id, 71, await plainPhoto(201));
});
afterAll(async () => {
  await t.stop();
  await rm(storageDir, { recursive: true, force: true });
});

type Caller = 'owner' | 'receptionist' | 'customer';
const clientOf = (caller: Caller) => ({ owner: asOwnerA, receptionist: asReceptionistA, customer: asCustomerA })[caller];

const cases = ROUTES.flatMap((route) =>
  route.targets.flatMap((target) => [
    { caller: 'owner' as const, route, target },
    ...(route.receptionist ? [{ caller: 'receptionist' as const, route, target }] : []),
    ...(route.customer ? [{ caller: 'customer' as const, route, target }] : []),
  ]),
);

/**
 * Ids that travel in a body or a query: naming B's record there answers exactly as naming one that
 * does not exist, and neither clinic's data changes.
 */
interface ReferenceCase {
  name: string;
  caller: Caller;
  foreign: () => string;
  /** The request with `id` where it names the record. */
  request: (id: string) => {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
  };
  status: number;
  problem?: string;
  /** For a 200: the body that shows nothing (an empty list unless named). */
  nothing?: unknown;
}

const aSlot = () => localInstant(localDateInDays(6), '10:00');
const day = () => localDateInDays(6);

const REFERENCES: ReferenceCase[] = [
  {
    name: "A's owner names B's staff member as a performer of a new treatment",
    caller: 'owner',
    foreign: () => b.staff.id,
    request: (id) => ({
      method: 'POST',
      url: '/api/treatments',
      body: { name: { en: 'Borrowed hands' }, category: 'facial', durationMinutes: 30, priceSatang: 1, staffUserIds: [id] },
    }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner names B's staff member as a performer of A's treatment",
    caller: 'owner',
    foreign: () => b.staff.id,
    request: (id) => ({ method: 'PATCH', url: `/api/treatments/${a.treatment.id}`, body: { staffUserIds: [id] } }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner books B's treatment for A's customer",
    caller: 'owner',
    foreign: () => b.treatment.id,
    request: (id) => ({
      method: 'POST',
      url: '/api/appointments',
      body: { treatmentId: id, startsAt: aSlot(), customerId: a.customer.id },
    }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's customer books B's treatment",
    caller: 'customer',
    foreign: () => b.treatment.id,
    request: (id) => ({ method: 'POST', url: '/api/appointments', body: { treatmentId: id, startsAt: aSlot() } }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner books A's treatment for B's account customer",
    caller: 'owner',
    foreign: () => b.accountCustomer.id,
    request: (id) => ({
      method: 'POST',
      url: '/api/appointments',
      body: { treatmentId: a.treatment.id, startsAt: aSlot(), customerId: id },
    }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's receptionist books A's treatment for B's walk-in customer",
    caller: 'receptionist',
    foreign: () => b.walkInCustomer.id,
    request: (id) => ({
      method: 'POST',
      url: '/api/appointments',
      body: { treatmentId: a.treatment.id, startsAt: aSlot(), customerId: id },
    }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner books A's treatment with B's staff member",
    caller: 'owner',
    foreign: () => b.staff.id,
    request: (id) => ({
      method: 'POST',
      url: '/api/appointments',
      body: { treatmentId: a.treatment.id, startsAt: aSlot(), customerId: a.customer.id, staffUserId: id },
    }),
    status: 409,
    problem: 'slot-unavailable',
  },
  {
    name: "A's owner moves A's appointment to B's staff member",
    caller: 'owner',
    foreign: () => b.staff.id,
    request: (id) => ({
      method: 'POST',
      url: `/api/appointments/${a.appointment.id}/reschedule`,
      body: { startsAt: localInstant(day(), '16:00'), staffUserId: id },
    }),
    status: 409,
    problem: 'slot-unavailable',
  },
  {
    name: "A's owner assigns B's treatment to A's staff member",
    caller: 'owner',
    foreign: () => b.treatment.id,
    request: (id) => ({
      method: 'PUT',
      url: `/api/staff/${a.staff.id}/treatments`,
      body: { treatmentIds: [a.treatment.id, id] },
    }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's customer asks for the availability of B's treatment",
    caller: 'customer',
    foreign: () => b.treatment.id,
    request: (id) => ({ method: 'GET', url: `/api/availability?treatmentId=${id}&fromDate=${day()}&toDate=${day()}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's customer asks for A's treatment with B's staff member",
    caller: 'customer',
    foreign: () => b.staff.id,
    request: (id) => ({
      method: 'GET',
      url: `/api/availability?treatmentId=${a.treatment.id}&fromDate=${day()}&toDate=${day()}&staffUserId=${id}`,
    }),
    status: 200,
  },
  ...(['staffUserId', 'roomId', 'customerId'] as const).map((filter) => ({
    name: `A's receptionist filters the calendar by B's ${filter}`,
    caller: 'receptionist' as const,
    foreign: () => ({ staffUserId: b.staff.id, roomId: b.room.id, customerId: b.accountCustomer.id })[filter],
    request: (id: string) => ({
      method: 'GET' as const,
      url: `/api/appointments?from=${encodeURIComponent(localInstant(localDateInDays(0), '00:00'))}&until=${encodeURIComponent(localInstant(localDateInDays(14), '00:00'))}&${filter}=${id}`,
    }),
    status: 200,
  })),

  {
    name: "A's receptionist records consent for B's account customer",
    caller: 'receptionist',
    foreign: () => b.accountCustomer.id,
    request: (id) => ({
      method: 'POST',
      url: '/api/analysis-consent',
      body: { customerId: id, version: CONSENT_VERSION, locale: 'th' },
    }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner records consent for B's walk-in customer",
    caller: 'owner',
    foreign: () => b.walkInCustomer.id,
    request: (id) => ({
      method: 'POST',
      url: '/api/analysis-consent',
      body: { customerId: id, version: CONSENT_VERSION, locale: 'en' },
    }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner asks whether B's customer has consented",
    caller: 'owner',
    foreign: () => b.accountCustomer.id,
    request: (id) => ({ method: 'GET', url: `/api/analysis-consent?customerId=${id}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's receptionist withdraws the consent of B's customer",
    caller: 'receptionist',
    foreign: () => b.accountCustomer.id,
    request: (id) => ({ method: 'DELETE', url: `/api/analysis-consent?customerId=${id}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner uploads a photo for B's customer",
    caller: 'owner',
    foreign: () => b.accountCustomer.id,
    request: (id) => uploadRequest(id, refusedPhoto),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner uploads a photo for B's walk-in customer",
    caller: 'owner',
    foreign: () => b.walkInCustomer.id,
    request: (id) => uploadRequest(id, refusedPhoto),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner lists the analyses of B's customer",
    caller: 'owner',
    foreign: () => b.accountCustomer.id,
    request: (id) => ({ method: 'GET', url: `/api/analyses?customerId=${id}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner pages A's analysis list from B's analysis",
    caller: 'owner',
    foreign: () => b.analysis.id,
    request: (id) => ({ method: 'GET', url: `/api/analyses?cursor=${encodeCursor(new Date(), id)}` }),
    status: 200,
    nothing: { items: [], nextCursor: null },
  },
  {
    name: "A's owner asks for the score trend of B's customer",
    caller: 'owner',
    foreign: () => b.accountCustomer.id,
    request: (id) => ({ method: 'GET', url: `/api/analyses/trend?customerId=${id}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner compares A's analysis with B's",
    caller: 'owner',
    foreign: () => b.analysis.id,
    request: (id) => ({ method: 'GET', url: `/api/analyses/compare?a=${a.analysis.id}&b=${id}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner compares B's analysis with A's",
    caller: 'owner',
    foreign: () => b.analysis.id,
    request: (id) => ({ method: 'GET', url: `/api/analyses/compare?a=${id}&b=${a.analysis.id}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's owner compares B's analysis with B's other one",
    caller: 'owner',
    foreign: () => b.analysis.id,
    request: (id) => ({ method: 'GET', url: `/api/analyses/compare?a=${id}&b=${b.secondAnalysis.id}` }),
    status: 404,
    problem: 'not-found',
  },
  {
    name: "A's customer compares their own analysis with B's",
    caller: 'customer',
    foreign: () => b.analysis.id,
    request: (id) => ({ method: 'GET', url: `/api/analyses/compare?a=${a.analysis.id}&b=${id}` }),
    status: 404,
    problem: 'not-found',
  },
];

describe("clinic A never reaches clinic B's rows", () => {
  it.each(cases)(
    "$route.method $route.path with B's $target, as A's $caller: 404 and B's row unchanged",
    async ({ caller, route, target }) => {
      const client = clientOf(caller);
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
    },
  );

  it.each(REFERENCES)(
    '$name: answered as for an id that does not exist, and nothing changes',
    async ({ caller, foreign, request, status, problem, nothing }) => {
      const before = await bothClinics();
      const send = (id: string) => {
        const { method, url, body, headers } = request(id);
        return clientOf(caller).request(method, url, body, headers);
      };
      const withB = await send(foreign());
      const withAbsent = await send(randomUUID());

      expect(withB.status, JSON.stringify(withB.body)).toBe(status);
      if (problem) expect(withB.body.type).toBe(`/problems/${problem}`);
      else expect(withB.body).toEqual(nothing ?? []);
      expect(answer(withB)).toEqual(answer(withAbsent));
      expect(await bothClinics()).toEqual(before);
    },
  );

  it('A can act on its own records with the same requests: the refusals above come from the wall', async () => {
    const date = localDateInDays(6);
    const slots = await asCustomerA.get(
      `/api/availability?treatmentId=${a.treatment.id}&fromDate=${date}&toDate=${date}&staffUserId=${a.staff.id}`,
    );
    expect(slots.body.map((s: { startsAt: string }) => s.startsAt)).toEqual(
      expect.arrayContaining([aSlot(), localInstant(date, '16:00')]),
    );
    const calendar = await asReceptionistA.get(
      `/api/appointments?from=${encodeURIComponent(localInstant(localDateInDays(0), '00:00'))}&until=${encodeURIComponent(localInstant(localDateInDays(14), '00:00'))}&staffUserId=${a.staff.id}`,
    );
    expect(calendar.body.map((x: { id: string }) => x.id)).toEqual([a.appointment.id]);
    const schedule = await asOwnerA.get(`/api/staff/${a.staff.id}/schedule`);
    expect(schedule.body.treatmentIds).toEqual([a.treatment.id]);
  });

  it('A reaches its own analyses and customer with the same requests: the refusals above come from the wall', async () => {
    const own = a.analysis.id;
    const detail = await asOwnerA.get(`/api/analyses/${own}`);
    expect(detail.body).toMatchObject({ id: own, customerId: a.customer.id, status: 'completed' });
    const working = await asOwnerA.get(`/api/analyses/${own}/images/working`);
    expect([working.status, working.headers['content-type']]).toEqual([200, 'image/jpeg']);
    const heatmap = await asCustomerA.get(`/api/analyses/${own}/images/heatmap-redness`);
    expect([heatmap.status, heatmap.headers['content-type']]).toEqual([200, 'image/png']);
    const events = await asCustomerA.get(`/api/analyses/${own}/events`);
    expect(events.status).toBe(200);
    expect(String(events.body)).toContain('"status":"completed"');
    const compared = await asOwnerA.get(`/api/analyses/compare?a=${own}&b=${own}`);
    expect([compared.status, compared.body.overall.change]).toEqual([200, 0]);
    expect((await asOwnerA.get(`/api/analyses?customerId=${a.customer.id}`)).body.items.map((x: { id: string }) => x.id)).toEqual(
      [own],
    );
    expect(
      (await asOwnerA.get(`/api/analyses/trend?customerId=${a.customer.id}`)).body.map(
        (x: { analysisId: string }) => x.analysisId,
      ),
    ).toEqual([own]);
    expect((await asOwnerA.get(`/api/analysis-consent?customerId=${a.customer.id}`)).body.granted).toBe(true);
    const { method, url, body, headers } = uploadRequest(a.customer.id, refusedPhoto);
    expect((await asOwnerA.request(method, url, body, headers)).status).toBe(202);
  });

  it("A's report counts A's appointments only: B's bookings, staff and treatments on the same days stay out", async () => {
    const period = `from=${localDateInDays(0)}&to=${localDateInDays(14)}`;
    const report = await asOwnerA.get(`/api/reports/performance?${period}`);
    expect(report.status).toBe(200);
    const { rows } = await t.db.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointments WHERE clinic_id = $1 AND starts_at >= $2 AND starts_at < $3`,
      [a.clinicId, localInstant(localDateInDays(0), '00:00'), localInstant(localDateInDays(15), '00:00')],
    );
    expect(report.body.summary.current.bookings).toBe(rows[0]!.n);
    expect(report.body.staff.map((s: { staffId: string }) => s.staffId)).toEqual([a.staff.id]);
    expect(report.body.treatments.map((x: { treatmentId: string }) => x.treatmentId)).toEqual([a.treatment.id]);
    const csv = await asOwnerA.get(`/api/reports/performance/staff.csv?${period}`);
    expect(csv.body).not.toContain(b.staff.id);
  });

  it('every API route that takes an id is in this matrix', async () => {
    const doc = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const covered = new Set(ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const missing = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/') && path.includes('{') && !NOT_TENANT_ID_ROUTES.some((re) => re.test(path)))
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => m !== 'head')
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .filter((op) => !covered.has(op));
    expect(missing, 'add these routes to ROUTES in test/isolation/api-isolation.test.ts').toEqual([]);
  });
});
