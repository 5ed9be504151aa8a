import type { RequestMeta } from '../audit/audit-log.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Actor } from '../db/tenant-transaction.ts';
import type { Runtime } from '../runtime.ts';
import { insertUser } from '../users/user-repo.ts';

export interface DemoLogin {
  label: string;
  email: string;
  password: string;
}

// The demo exists only on a laptop database (DEMO_DATA=auto uses it with the embedded server), so
// its passwords are fixed and printed at every start rather than lost after the first one. A production
// start refuses a super admin who still has it (users/platform-admins.ts).
export const PUBLISHED_DEMO_PASSWORD = 'beauty-demo-2026';
const PASSWORD = PUBLISHED_DEMO_PASSWORD;
const SUPER_ADMIN = 'admin@demo.example.com';
const META: RequestMeta = { ip: null, userAgent: 'demo-setup' };

const CLINICS = [
  {
    slug: 'siam-glow',
    name: 'Siam Glow Aesthetics',
    tier: 'professional',
    owner: { email: 'owner@siam-glow.example.com', fullName: 'Ploy Srisuk' },
    staff: { email: 'doctor@siam-glow.example.com', fullName: 'Dr. Anan Chaiyaporn' },
    customers: [
      { email: 'nok@siam-glow.example.com', fullName: 'Nok Wongsakul' },
      { email: 'mali@siam-glow.example.com', fullName: 'Mali Rattanakorn' },
    ],
  },
  {
    slug: 'lanna-skin',
    name: 'Lanna Skin Clinic',
    tier: 'starter',
    owner: { email: 'owner@lanna-skin.example.com', fullName: 'Somchai Inthanon' },
    staff: { email: 'therapist@lanna-skin.example.com', fullName: 'Kanya Boonmee' },
    customers: [
      { email: 'fah@lanna-skin.example.com', fullName: 'Fah Charoensuk' },
      { email: 'emma@lanna-skin.example.com', fullName: 'Emma Clarke' },
    ],
  },
] as const;

export function demoLogins(): DemoLogin[] {
  return [
    { label: 'super admin', email: SUPER_ADMIN, password: PASSWORD },
    ...CLINICS.flatMap((c) => [
      { label: `${c.name}: owner`, email: c.owner.email, password: PASSWORD },
      { label: `${c.name}: staff`, email: c.staff.email, password: PASSWORD },
      ...c.customers.map((p) => ({ label: `${c.name}: customer`, email: p.email, password: PASSWORD })),
    ]),
  ];
}

/**
 * On an empty database: one super admin and two clinics on different tiers, each with an owner, a
 * staff member and two customers, created through the same services the API uses. Returns the
 * sign-ins when the demo is present, and nothing on a database that holds other people's data.
 */
export async function ensureDemoData({ db, services, log }: Runtime): Promise<DemoLogin[]> {
  const { rows } = await db.owner.query<{ users: number; demo: boolean }>(
    'SELECT count(*)::int AS users, bool_or(email = $1) AS demo FROM users',
    [SUPER_ADMIN],
  );
  if (rows[0]!.demo) return demoLogins();
  if (rows[0]!.users > 0) return [];

  log.info('creating the demo clinics');
  // The first super admin has nobody to create them: it is bootstrapped as the database owner.
  const admin = await insertUser(db.owner, {
    clinicId: null,
    email: SUPER_ADMIN,
    passwordHash: await hashPassword(PASSWORD),
    role: 'super_admin',
    fullName: 'Platform Admin',
    locale: 'en',
  });
  const platform = { userId: admin.id, role: 'super_admin' as const };
  for (const c of CLINICS) {
    const { clinic, ownerId } = await services.clinics.createClinicWithOwner(
      platform,
      { slug: c.slug, name: c.name, tier: c.tier, status: 'active', timeZone: 'Asia/Bangkok', locale: 'th' },
      { ...c.owner, password: PASSWORD },
      META,
    );
    const owner: Actor = { userId: ownerId, clinicId: clinic.id, role: 'clinic_owner' };
    const staff = await services.staff.create(owner, { ...c.staff, role: 'clinic_staff', password: PASSWORD }, META);
    const treatmentIds = await openForBooking(services, owner, staff.id);
    for (const [i, customer] of c.customers.entries()) {
      const user = await services.signUp.registerVerifiedCustomer({ clinicSlug: c.slug, ...customer, password: PASSWORD }, META);
      await bookFirstFreeSlot(
        services,
        { userId: user.id, clinicId: clinic.id, role: 'customer' },
        treatmentIds[i % treatmentIds.length]!,
      );
    }
  }
  return demoLogins();
}

const TREATMENTS = [
  {
    name: { en: 'Hydrating facial', th: 'ทรีทเมนต์หน้าใส', zh: '补水面部护理' },
    category: 'facial',
    durationMinutes: 60,
    priceSatang: 150_000,
  },
  {
    name: { en: 'Pico laser brightening', th: 'เลเซอร์พิโคหน้าใส', zh: '皮秒激光亮肤' },
    category: 'laser',
    durationMinutes: 45,
    priceSatang: 450_000,
  },
  {
    name: { en: 'Skin consultation', th: 'ปรึกษาแพทย์ผิวหนัง', zh: '皮肤咨询' },
    category: 'consultation',
    durationMinutes: 30,
    priceSatang: 50_000,
  },
] as const;

/** Three treatments in three languages, one room, and the staff member working every day 09:00–18:00. */
async function openForBooking(services: Runtime['services'], owner: Actor, staffUserId: string): Promise<string[]> {
  const treatments = [];
  for (const t of TREATMENTS) {
    treatments.push(
      await services.treatments.create(
        owner,
        { ...t, description: '', bufferBeforeMinutes: 0, bufferAfterMinutes: 10, isActive: true },
        META,
      ),
    );
  }
  await services.rooms.create(owner, 'Treatment room 1', META);
  const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));
  await services.schedules.setWorkingHours(owner, staffUserId, week, META);
  const ids = treatments.map((t) => t.id);
  await services.schedules.setTreatments(owner, staffUserId, ids, META);
  return ids;
}

/** The customer's own booking of the first slot the clinic offers them in the coming week. */
async function bookFirstFreeSlot(services: Runtime['services'], customer: Actor, treatmentId: string): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  const weekAhead = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const [slot] = await services.appointments.slots(customer, { treatmentId, fromDate: today, toDate: weekAhead });
  if (slot) await services.appointments.book(customer, { treatmentId, startsAt: slot.startsAt }, META);
}
