import type { Faker } from '@faker-js/faker';
import { insertRows, type Column } from './batch-insert.ts';
import type { SeededRandom } from './seed-random.ts';
import type { Locale, SeededClinic, SeedStep, SeedWorld, Tier } from './seed-step.ts';

interface ClinicRow extends SeededClinic {
  name: string;
  settings: { contactPhone: string; contactEmail: string; address: string };
}

const TIERS: [Tier, number][] = [
  ['starter', 60],
  ['professional', 30],
  ['enterprise', 10],
];
const STATUSES: [SeededClinic['status'], number][] = [
  ['active', 84],
  ['trial', 10],
  ['suspended', 4],
  ['cancelled', 2],
];
const LOCALES: [Locale, number][] = [
  ['th', 70],
  ['en', 20],
  ['zh', 10],
];
const TIME_ZONES: [string, number][] = [
  ['Asia/Bangkok', 88],
  ['Asia/Singapore', 4],
  ['Asia/Kuala_Lumpur', 3],
  ['Asia/Ho_Chi_Minh', 3],
  ['Asia/Hong_Kong', 2],
];
const NAME_KINDS: Record<Locale, string[]> = {
  th: ['คลินิกความงาม', 'คลินิกผิวหนัง', 'สหคลินิก', 'คลินิกเวชกรรม'],
  en: ['Aesthetic Clinic', 'Skin Clinic', 'Beauty Center', 'Dermatology', 'Wellness Clinic'],
  zh: ['美容诊所', '皮肤科诊所', '医美中心'],
};
const SLUG_KINDS = ['clinic', 'skin', 'aesthetic', 'beauty', 'derma'];
// Most clinics are in Bangkok and the tourist cities.
const CITIES: [{ slug: string; names: Record<Locale, string> }, number][] = [
  [{ slug: 'bangkok', names: { en: 'Bangkok', th: 'กรุงเทพมหานคร', zh: '曼谷' } }, 50],
  [{ slug: 'chiang-mai', names: { en: 'Chiang Mai', th: 'เชียงใหม่', zh: '清迈' } }, 10],
  [{ slug: 'phuket', names: { en: 'Phuket', th: 'ภูเก็ต', zh: '普吉' } }, 8],
  [{ slug: 'pattaya', names: { en: 'Pattaya', th: 'พัทยา', zh: '芭提雅' } }, 7],
  [{ slug: 'nonthaburi', names: { en: 'Nonthaburi', th: 'นนทบุรี', zh: '暖武里' } }, 6],
  [{ slug: 'khon-kaen', names: { en: 'Khon Kaen', th: 'ขอนแก่น', zh: '孔敬' } }, 5],
  [{ slug: 'hat-yai', names: { en: 'Hat Yai', th: 'หาดใหญ่', zh: '合艾' } }, 5],
  [{ slug: 'hua-hin', names: { en: 'Hua Hin', th: 'หัวหิน', zh: '华欣' } }, 3],
  [{ slug: 'udon-thani', names: { en: 'Udon Thani', th: 'อุดรธานี', zh: '乌隆他尼' } }, 3],
  [{ slug: 'korat', names: { en: 'Korat', th: 'นครราชสีมา', zh: '呵叻' } }, 3],
];

const columns: Column<ClinicRow>[] = [
  { name: 'id', type: 'uuid', value: (c) => c.id },
  { name: 'slug', type: 'text', value: (c) => c.slug },
  { name: 'name', type: 'text', value: (c) => c.name },
  { name: 'tier', type: 'text', value: (c) => c.tier },
  { name: 'status', type: 'text', value: (c) => c.status },
  { name: 'settings', type: 'jsonb', value: (c) => JSON.stringify(c.settings) },
  { name: 'time_zone', type: 'text', value: (c) => c.timeZone },
  { name: 'locale', type: 'text', value: (c) => c.locale },
  { name: 'created_at', type: 'timestamptz', value: (c) => c.createdAt },
  { name: 'updated_at', type: 'timestamptz', value: (c) => c.createdAt },
];

export const clinicsStep: SeedStep = {
  table: 'clinics',
  plannedRows: (world) => world.scale.clinics,
  write: (world, tx, progress) => insertRows(tx, 'clinics', columns, generateClinics(world), progress),
};

function* generateClinics(world: SeedWorld): Generator<ClinicRow> {
  const random = world.random('clinics');
  const fakers = world.fakers('clinics');
  for (let i = 0; i < world.scale.clinics; i++) {
    const clinic = makeClinic(random, fakers, world.offset.clinics + i + 1, world.asOf);
    world.clinics.push({
      id: clinic.id,
      number: clinic.number,
      slug: clinic.slug,
      tier: clinic.tier,
      status: clinic.status,
      locale: clinic.locale,
      timeZone: clinic.timeZone,
      createdAt: clinic.createdAt,
    });
    yield clinic;
  }
}

function makeClinic(random: SeededRandom, fakers: Record<Locale, Faker>, number: number, asOf: Date): ClinicRow {
  const status = random.weighted(STATUSES);
  const locale = random.weighted(LOCALES);
  const names = fakers[locale];
  const kind = random.pick(NAME_KINDS[locale]);
  const name =
    locale === 'en'
      ? `${names.person.lastName()} ${kind}`
      : locale === 'zh'
        ? `${names.person.lastName()}氏${kind}`
        : `${kind} ${names.person.firstName()}`;
  const cityOf = random.weighted(CITIES);
  const city = cityOf.names[locale];
  const slug = `${cityOf.slug}-${random.pick(SLUG_KINDS)}-${number}`;
  const address =
    locale === 'th' ? names.location.streetAddress() : `${random.int(1, 999)}/${random.int(1, 99)} Soi ${random.int(1, 60)}`;
  return {
    id: random.uuid(),
    number,
    slug,
    tier: random.weighted(TIERS),
    status,
    locale,
    name: `${name} ${city}`,
    timeZone: random.weighted(TIME_ZONES),
    settings: { contactPhone: thaiPhone(random), contactEmail: `contact@${slug}.example`, address: `${address}, ${city}` },
    // Over two years; a trial is by nature a recent sign-up.
    createdAt: status === 'trial' ? random.daysBefore(asOf, 1, 30) : random.daysBefore(asOf, 1, 730),
  };
}

export function thaiPhone(random: SeededRandom): string {
  return `0${random.pick(['6', '8', '9'])}${random.digits(1)}-${random.digits(3)}-${random.digits(4)}`;
}
