import type { Faker } from '@faker-js/faker';
import type { Role } from '../users/role-vocabulary.ts';
import { insertRows, type Column } from './batch-insert.ts';
import { thaiPhone } from './clinic-seed.ts';
import type { SeededRandom } from './seed-random.ts';
import type { Locale, SeededClinic, SeedStep, SeedWorld, Tier } from './seed-step.ts';

interface UserRow {
  id: string;
  clinicId: string;
  email: string;
  role: Role;
  fullName: string;
  phone: string | null;
  locale: Locale;
  lastSignInAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

/** The accounts of one clinic besides its owner. */
interface Roster {
  admins: number;
  staff: number;
  receptionists: number;
  customers: number;
}

type StaffRole = 'admins' | 'staff' | 'receptionists';

// What a clinic of each tier would like to have; trimmed to the tier's user limit and to the total asked for.
const WANTED_STAFF: Record<Tier, Record<StaffRole, [number, number]>> = {
  starter: { admins: [0, 1], staff: [1, 3], receptionists: [0, 1] },
  professional: { admins: [0, 2], staff: [3, 10], receptionists: [1, 3] },
  enterprise: { admins: [0, 2], staff: [8, 30], receptionists: [2, 6] },
};
// How many customers a clinic of each tier draws, relative to a starter clinic.
const CUSTOMER_WEIGHT: Record<Tier, number> = { starter: 1, professional: 3, enterprise: 8 };
// Staff take at most this share of the accounts besides owners, so customers stay the bulk at any scale.
const MAX_STAFF_SHARE = 0.25;
const CUSTOMER_DOMAINS = ['example.com', 'example.net', 'example.org'];
const LOCALES: [Locale, number][] = [
  ['th', 70],
  ['en', 20],
  ['zh', 10],
];
const CUSTOMER_NOTES = ['Sensitive skin', 'Prefers afternoon appointments', 'ผิวแพ้ง่าย', 'แพ้ยาเพนิซิลลิน', '对酒精过敏'];
const DAY_MS = 24 * 3600_000;

// One hash for every account: argon2 takes ~13 ms a hash, minutes for a hundred thousand users.
const columns = (passwordHash: string): Column<UserRow>[] => [
  { name: 'id', type: 'uuid', value: (u) => u.id },
  { name: 'clinic_id', type: 'uuid', value: (u) => u.clinicId },
  { name: 'email', type: 'text', value: (u) => u.email },
  { name: 'password_hash', type: 'text', value: () => passwordHash },
  { name: 'role', type: 'text', value: (u) => u.role },
  { name: 'full_name', type: 'text', value: (u) => u.fullName },
  { name: 'phone', type: 'text', value: (u) => u.phone },
  { name: 'locale', type: 'text', value: (u) => u.locale },
  { name: 'last_sign_in_at', type: 'timestamptz', value: (u) => u.lastSignInAt },
  { name: 'disabled_at', type: 'timestamptz', value: (u) => u.disabledAt },
  { name: 'created_at', type: 'timestamptz', value: (u) => u.createdAt },
  { name: 'updated_at', type: 'timestamptz', value: (u) => u.createdAt },
  // Seeded accounts are usable as they are: verified when made, so the same seed gives the same rows.
  { name: 'email_verified_at', type: 'timestamptz', value: (u) => u.createdAt },
];

export const usersStep: SeedStep = {
  table: 'users',
  plannedRows: (world) => world.scale.users,
  async write(world, tx, progress) {
    const rosters = planRosters(world.clinics, world.scale.users, world.tierMaxUsers, world.random('rosters'));
    return insertRows(tx, 'users', columns(world.passwordHash), generateUsers(world, rosters), progress);
  },
};

/**
 * Every clinic gets one owner; admins, staff and receptionists within the tier's user limit (customers
 * do not count against it); the remaining accounts are customers, shared out by tier and by chance.
 */
function planRosters(
  clinics: SeededClinic[],
  users: number,
  tierMaxUsers: Map<Tier, number | null>,
  random: SeededRandom,
): Roster[] {
  if (users < clinics.length)
    throw new Error(`--users must be at least --clinics (${clinics.length}): every clinic has an owner`);
  const rosters = clinics.map((clinic): Roster => {
    const wanted = WANTED_STAFF[clinic.tier];
    const roster = {
      admins: random.int(...wanted.admins),
      staff: random.int(...wanted.staff),
      receptionists: random.int(...wanted.receptionists),
      customers: 0,
    };
    const limit = tierMaxUsers.get(clinic.tier) ?? null;
    if (limit !== null) trimStaff([roster], limit - 1);
    return roster;
  });
  const besidesOwners = users - clinics.length;
  trimStaff(rosters, Math.floor(besidesOwners * MAX_STAFF_SHARE));
  const staffTotal = rosters.reduce((sum, r) => sum + staffOf(r), 0);
  const weights = clinics.map((c) => CUSTOMER_WEIGHT[c.tier] * (0.5 + random.next()) * (c.status === 'cancelled' ? 0.3 : 1));
  shareOut(besidesOwners - staffTotal, weights).forEach((n, i) => (rosters[i]!.customers = n));
  return rosters;
}

const staffOf = (r: Roster) => r.admins + r.staff + r.receptionists;

/** Removes staff, one at a time from the largest roster's largest role, until at most `max` remain. */
function trimStaff(rosters: Roster[], max: number): void {
  let total = rosters.reduce((sum, r) => sum + staffOf(r), 0);
  while (total > max) {
    let largest = rosters[0]!;
    for (const r of rosters) if (staffOf(r) > staffOf(largest)) largest = r;
    const role = (['staff', 'receptionists', 'admins'] as const).reduce((a, b) => (largest[b] > largest[a] ? b : a));
    largest[role] -= 1;
    total -= 1;
  }
}

/** Splits `total` in proportion to `weights`, exactly (largest remainder). */
export function shareOut(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    shares[i]! += 1;
  }
  return shares;
}

function* generateUsers(world: SeedWorld, rosters: Roster[]): Generator<UserRow> {
  const random = world.random('users');
  const fakers = world.fakers('users');
  let number = world.offset.users;
  for (const [i, clinic] of world.clinics.entries()) {
    const roster = rosters[i]!;
    const staffJoinedBy = new Date(Math.min(world.asOf.getTime(), clinic.createdAt.getTime() + 365 * DAY_MS));
    const roles: [Role, number][] = [
      ['clinic_owner', 1],
      ['clinic_admin', roster.admins],
      ['clinic_staff', roster.staff],
      ['receptionist', roster.receptionists],
      ['customer', roster.customers],
    ];
    for (const [role, count] of roles) {
      for (let k = 0; k < count; k++) {
        number += 1;
        const customer = role === 'customer';
        const createdAt =
          role === 'clinic_owner' ? clinic.createdAt : random.between(clinic.createdAt, customer ? world.asOf : staffJoinedBy);
        const user = makeUser(random, fakers, { clinic, role, number, createdAt, asOf: world.asOf });
        if (role !== 'customer' && role !== 'super_admin') {
          world.staff.push({ id: user.id, clinicId: clinic.id, role, createdAt: user.createdAt, disabledAt: user.disabledAt });
        }
        if (customer) {
          world.customers.push({
            id: random.uuid(),
            clinicId: clinic.id,
            userId: user.id,
            fullName: user.fullName,
            email: user.email,
            phone: user.phone,
            dateOfBirth: random.chance(0.7) ? birthDate(random, world.asOf) : null,
            notes: random.chance(0.1) ? random.pick(CUSTOMER_NOTES) : '',
            createdAt: user.createdAt,
          });
        }
        yield user;
      }
    }
  }
}

function makeUser(
  random: SeededRandom,
  fakers: Record<Locale, Faker>,
  { clinic, role, number, createdAt, asOf }: { clinic: SeededClinic; role: Role; number: number; createdAt: Date; asOf: Date },
): UserRow {
  const customer = role === 'customer';
  const locale = customer && random.chance(0.25) ? random.weighted(LOCALES) : clinic.locale;
  // Thai and Chinese users mostly pick a romanised nickname for their address.
  const handle =
    fakers.en.person
      .firstName()
      .toLowerCase()
      .replace(/[^a-z]/g, '') || 'user';
  const domain = customer ? random.pick(CUSTOMER_DOMAINS) : `${clinic.slug}.example`;
  const signsIn = random.chance(customer ? 0.6 : 0.92);
  const disabled = random.chance(customer ? 0.01 : 0.04);
  return {
    id: random.uuid(),
    clinicId: clinic.id,
    email: `${handle}.${number}@${domain}`,
    role,
    fullName: fakers[locale].person.fullName(),
    phone: customer && random.chance(0.15) ? null : thaiPhone(random),
    locale,
    lastSignInAt: signsIn ? random.between(createdAt, asOf, 3) : null,
    disabledAt: disabled && role !== 'clinic_owner' ? random.between(createdAt, asOf) : null,
    createdAt,
  };
}

function birthDate(random: SeededRandom, asOf: Date): string {
  return random
    .daysBefore(asOf, 18 * 365, 70 * 365)
    .toISOString()
    .slice(0, 10);
}
