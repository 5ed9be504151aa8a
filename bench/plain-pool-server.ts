import Fastify from 'fastify';
import pg from 'pg';
import { toAppointment } from '../src/appointments/appointment-schemas.ts';
import { listCalendar } from '../src/appointments/appointment-repo.ts';
import { findClinicLimits, type ClinicLimits } from '../src/clinics/clinic-limits.ts';
import { findClinicById, type ClinicRow } from '../src/clinics/clinic-repo.ts';
import { toClinicSummary } from '../src/clinics/clinic-schemas.ts';
import { loadConfig } from '../src/config.ts';
import { listCustomers } from '../src/customers/customer-repo.ts';
import { toCustomer } from '../src/customers/customer-schemas.ts';
import { pageOf } from '../src/http/pagination.ts';
import { findUserById } from '../src/users/user-repo.ts';
import { toUser } from '../src/users/user-schemas.ts';
import { PRINCIPAL_HEADER } from './baseline-principal.ts';

// The load benches' baseline: the dashboard mix's routes doing the API's database work and nothing else.
// Each route runs the API's own repository functions (the same statements, columns and row counts) on a
// plain pool of the API's size, as the database owner (no RLS), one statement on a pooled connection:
// no session lookup (the caller is named in a header), no transaction or set_config, no rate limiter,
// no request or response validation. Started like the API, in its own `node --import tsx` process.
const config = loadConfig(process.env);
const pool = new pg.Pool({
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS,
  connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
  application_name: 'bwai-baseline',
});

// The API serves a member's clinic from its clinic cache, which keeps a clinic this long; reading it on
// every request here would give the baseline two statements per call that the API does not run.
const CLINIC_TTL_MS = 30_000;
const clinics = new Map<string, { at: number; record: Promise<{ row: ClinicRow; limits: ClinicLimits }> }>();
function clinicOf(id: string) {
  const cached = clinics.get(id);
  if (cached && Date.now() - cached.at < CLINIC_TTL_MS) return cached.record;
  const record = Promise.all([findClinicById(pool, id), findClinicLimits(pool, id)]).then(([row, limits]) => {
    if (!row || !limits) throw new Error(`no clinic ${id}`);
    return { row, limits };
  });
  clinics.set(id, { at: Date.now(), record });
  return record;
}

function principalOf(headers: Record<string, string | string[] | undefined>) {
  const [clinicId, userId] = String(headers[PRINCIPAL_HEADER] ?? '').split(' ');
  if (!clinicId || !userId) throw new Error(`${PRINCIPAL_HEADER} names no clinic and user`);
  return { clinicId, userId };
}

const app = Fastify();
app.get('/api/me', async (request) => {
  const { clinicId, userId } = principalOf(request.headers);
  const [user, clinic] = await Promise.all([findUserById(pool, userId), clinicOf(clinicId)]);
  if (!user) throw new Error(`no user ${userId}`);
  return { ...toUser(user), clinic: toClinicSummary(clinic.row) };
});
app.get('/api/clinic', async (request) => {
  const { row, limits } = await clinicOf(principalOf(request.headers).clinicId);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.time_zone,
    locale: row.locale,
    tier: row.tier,
    status: row.status,
    settings: row.settings,
    limits,
  };
});
app.get<{ Querystring: { limit?: string } }>('/api/customers', async (request) => {
  const limit = Number(request.query.limit ?? 20);
  const rows = await listCustomers(pool, principalOf(request.headers).clinicId, { after: null, limit });
  return pageOf(rows, limit, (r) => [r.created_at, r.id], toCustomer);
});
app.get<{ Querystring: { from: string; until: string } }>('/api/appointments', async (request) => {
  const rows = await listCalendar(pool, principalOf(request.headers).clinicId, {
    from: new Date(request.query.from),
    until: new Date(request.query.until),
  });
  return rows.map((r) => toAppointment(r));
});
app.get('/healthz', async () => ({ ok: true }));

// The API's backlog too, so that connections the kernel drops say the same thing for both.
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT), backlog: config.LISTEN_BACKLOG });
process.once('SIGTERM', () => void app.close().then(() => pool.end().then(() => process.exit(0))));
