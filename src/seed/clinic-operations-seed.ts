import { TREATMENT_CATEGORIES } from '../treatments/treatment-vocabulary.ts';
import { insertRows, type Column } from './batch-insert.ts';
import type { SeededRandom } from './seed-random.ts';
import type { Locale, SeededClinic, SeededStaffMember, SeedStep, SeedWorld, Tier } from './seed-step.ts';
import { TREATMENT_CATALOGUE, type CatalogueTreatment } from './treatment-catalogue.ts';
import { DAY_MS, ZoneDays, clockTime } from './zone-days.ts';

/** The appointment book spans two years: 96 weeks up to --as-of and 8 weeks after it. */
export const WEEKS_BEFORE_AS_OF = 96;
export const WEEKS_AFTER_AS_OF = 8;

export interface SeededTreatment {
  id: string;
  clinicId: string;
  entry: CatalogueTreatment;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  priceSatang: number;
  createdAt: Date;
}

export interface SeededRoom {
  id: string;
  clinicId: string;
  name: string;
  createdAt: Date;
}

export interface Leave {
  id: string;
  startsAt: number;
  endsAt: number;
  note: string;
  createdAt: number;
}

/** A staff member who treats customers: the weekly hours, the treatments and the leave of one person. */
export interface Practitioner {
  staff: SeededStaffMember;
  kind: 'doctor' | 'therapist';
  /** Per ISO weekday (index 1–7), the [start, end) windows in minutes past local midnight. */
  week: [number, number][][];
  treatments: SeededTreatment[];
  leave: Leave[];
  /** The local days they can be booked: after joining, before leaving, within the clinic's book. */
  firstDay: number;
  lastDay: number;
}

export interface ClinicOperations {
  clinic: SeededClinic;
  zone: ZoneDays;
  /** Local days of the clinic's appointment book (empty when lastDay < firstDay). */
  firstDay: number;
  lastDay: number;
  treatments: SeededTreatment[];
  rooms: SeededRoom[];
  practitioners: Practitioner[];
}

type Kind = Practitioner['kind'];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
// Thai aesthetic clinics keep long hours, and those in shopping malls open late and close late.
const OPENING_HOURS: [{ days: number[]; open: number; close: number }, number][] = [
  [{ days: EVERY_DAY, open: 10 * 60, close: 20 * 60 }, 40],
  [{ days: [1, 2, 3, 4, 5, 6], open: 9 * 60, close: 19 * 60 }, 25],
  [{ days: EVERY_DAY, open: 11 * 60, close: 21 * 60 }, 20],
  [{ days: [2, 3, 4, 5, 6, 7], open: 10 * 60, close: 19 * 60 }, 15],
];
const CATALOGUE_SIZE: Record<Tier, [number, number]> = { starter: [8, 14], professional: [12, 20], enterprise: [16, 25] };
const ROOMS: Record<Tier, [number, number]> = { starter: [1, 2], professional: [2, 4], enterprise: [3, 6] };
const ROOM_NAMES: Record<Locale, string[]> = {
  en: ['Consultation Room', 'Treatment Room 1', 'Laser Room', 'Facial Suite', 'Treatment Room 2', 'Procedure Room'],
  th: ['ห้องตรวจ', 'ห้องทรีทเมนต์ 1', 'ห้องเลเซอร์', 'ห้องทำหน้า', 'ห้องทรีทเมนต์ 2', 'ห้องหัตถการ'],
  zh: ['诊室', '治疗室 1', '激光室', '面部护理室', '治疗室 2', '操作室'],
};
const LEAVE_NOTES: Record<Locale, Record<'annual' | 'sick' | 'training', string>> = {
  en: { annual: 'Annual leave', sick: 'Sick leave', training: 'Training course' },
  th: { annual: 'ลาพักร้อน', sick: 'ลาป่วย', training: 'อบรมวิชาการ' },
  zh: { annual: '年假', sick: '病假', training: '外出培训' },
};

const plans = new WeakMap<SeedWorld, ClinicOperations[]>();

/**
 * Catalogue, rooms, hours, skills and leave of every clinic, drawn together because each depends on
 * the others (skills need the catalogue, leave needs the hours); planned once, when the first of these
 * steps asks for its row count, and shared by the steps that write them and the appointments.
 */
export function clinicOperations(world: SeedWorld): ClinicOperations[] {
  let planned = plans.get(world);
  if (!planned) {
    const staffOf = new Map<string, SeededStaffMember[]>();
    for (const s of world.staff) {
      if (!staffOf.has(s.clinicId)) staffOf.set(s.clinicId, []);
      staffOf.get(s.clinicId)!.push(s);
    }
    const zones = new Map<string, ZoneDays>();
    const zoneOf = (zone: string) => zones.get(zone) ?? zones.set(zone, new ZoneDays(zone)).get(zone)!;
    planned = world.clinics.map((clinic) => planClinic(world, clinic, staffOf.get(clinic.id) ?? [], zoneOf(clinic.timeZone)));
    plans.set(world, planned);
  }
  return planned;
}

function planClinic(world: SeedWorld, clinic: SeededClinic, staff: SeededStaffMember[], zone: ZoneDays): ClinicOperations {
  const random = world.random(`operations/${clinic.number}`);
  const asOfDay = zone.dayOf(world.asOf.getTime());
  const firstDay = Math.max(asOfDay - WEEKS_BEFORE_AS_OF * 7, zone.dayOf(clinic.createdAt.getTime()) + 1);
  // A suspended or cancelled clinic takes no more bookings.
  const lastDay = clinic.status === 'active' || clinic.status === 'trial' ? asOfDay + WEEKS_AFTER_AS_OF * 7 - 1 : asOfDay - 1;
  const treatments = chooseTreatments(random, clinic);
  const hours = random.weighted(OPENING_HOURS);
  const practitioners = choosePractitioners(random, staff).map(({ member, kind }): Practitioner => {
    const joined = zone.dayOf(member.createdAt.getTime()) + 1;
    const left = member.disabledAt ? zone.dayOf(member.disabledAt.getTime()) - 1 : lastDay;
    const p: Practitioner = {
      staff: member,
      kind,
      week: weekOf(random, member, kind, hours),
      treatments: [],
      leave: [],
      firstDay: Math.max(firstDay, joined),
      lastDay: Math.min(lastDay, left),
    };
    p.leave = leaveOf(random, p, clinic.locale, zone, world.asOf.getTime());
    return p;
  });
  assignSkills(random, practitioners, treatments);
  const [fewest, most] = ROOMS[clinic.tier];
  // Rooms are shared: a clinic with many practitioners has more of them.
  const roomCount = Math.min(
    ROOM_NAMES[clinic.locale].length,
    Math.max(random.int(fewest, most), Math.ceil(practitioners.length / 4)),
  );
  const rooms = ROOM_NAMES[clinic.locale]
    .slice(0, roomCount)
    .map((name) => ({ id: random.uuid(), clinicId: clinic.id, name, createdAt: clinic.createdAt }));
  return { clinic, zone, firstDay, lastDay, treatments, rooms, practitioners };
}

/** One of each category, then more by popularity, at the clinic's own prices. */
function chooseTreatments(random: SeededRandom, clinic: SeededClinic): SeededTreatment[] {
  const count = random.int(...CATALOGUE_SIZE[clinic.tier]);
  const chosen = new Set<CatalogueTreatment>();
  for (const category of TREATMENT_CATEGORIES)
    chosen.add(
      random.weighted(TREATMENT_CATALOGUE.filter((e) => e.category === category).map((e) => [e, e.popularity] as const)),
    );
  while (chosen.size < count) {
    chosen.add(random.weighted(TREATMENT_CATALOGUE.filter((e) => !chosen.has(e)).map((e) => [e, e.popularity] as const)));
  }
  return [...chosen].map((entry) => {
    const [low, high] = entry.priceThb;
    let thb = Math.round((low + random.next() * (high - low)) / 100) * 100;
    // Prices like 2,990 are as common as round ones.
    if (thb >= 1_000 && random.chance(0.35)) thb -= 10;
    const durationMinutes = random.chance(0.2)
      ? Math.min(120, Math.max(15, entry.minutes + random.pick([-15, 15])))
      : entry.minutes;
    return {
      id: random.uuid(),
      clinicId: clinic.id,
      entry,
      durationMinutes,
      bufferBeforeMinutes: entry.buffers[0],
      bufferAfterMinutes: random.chance(0.25) ? random.pick([0, entry.buffers[1] + 5]) : entry.buffers[1],
      priceSatang: thb * 100,
      createdAt: clinic.createdAt,
    };
  });
}

/**
 * Staff members treat (doctors or therapists); an owner or admin sometimes does too, and the owner
 * always does when nobody else is a doctor, because injections and devices need one.
 */
function choosePractitioners(random: SeededRandom, staff: SeededStaffMember[]): { member: SeededStaffMember; kind: Kind }[] {
  const chosen: { member: SeededStaffMember; kind: Kind }[] = [];
  for (const member of staff) {
    if (member.role === 'clinic_staff') chosen.push({ member, kind: random.chance(0.4) ? 'doctor' : 'therapist' });
    else if ((member.role === 'clinic_owner' && random.chance(0.3)) || (member.role === 'clinic_admin' && random.chance(0.15)))
      chosen.push({ member, kind: 'doctor' });
  }
  const owner = staff.find((s) => s.role === 'clinic_owner');
  if (owner && !chosen.some((c) => c.kind === 'doctor') && !chosen.some((c) => c.member === owner))
    chosen.push({ member: owner, kind: 'doctor' });
  return chosen;
}

function weekOf(
  random: SeededRandom,
  member: SeededStaffMember,
  kind: Kind,
  hours: { days: number[]; open: number; close: number },
): [number, number][][] {
  let days: number[];
  let start = hours.open;
  let end = hours.close;
  if (member.role !== 'clinic_staff') {
    // An owner or admin treats on a few days and runs the clinic on the others.
    days = sample(random, hours.days, random.int(3, 4));
    start += 60;
    end -= 120;
  } else if (kind === 'therapist') {
    days = sample(random, hours.days, random.chance(0.85) ? Math.min(6, hours.days.length) : 3);
    if (random.chance(0.3)) start += 60;
    if (random.chance(0.3)) end -= 60;
  } else if (random.chance(0.55)) {
    days = sample(random, hours.days, 5);
  } else {
    // Many doctors work a few sessions a week at several clinics, often the evening one.
    days = sample(random, hours.days, random.int(2, 3));
    if (random.chance(0.5)) start = end - 4 * 60;
  }
  // A lunch hour splits some long days in two, each part at least two hours.
  const lunch = random.pick([12 * 60, 13 * 60]);
  const split = lunch - start >= 120 && end - (lunch + 60) >= 120 && random.chance(0.45);
  const windows: [number, number][] = split
    ? [
        [start, lunch],
        [lunch + 60, end],
      ]
    : [[start, end]];
  const week: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const day of days) week[day] = windows;
  return week;
}

/** A few blocks of annual leave, some sick days, and for doctors a training course now and then. */
function leaveOf(random: SeededRandom, p: Practitioner, locale: Locale, zone: ZoneDays, asOf: number): Leave[] {
  if (p.lastDay < p.firstDay) return [];
  const span = p.lastDay - p.firstDay + 1;
  const years = span / 365;
  const notes = LEAVE_NOTES[locale];
  const blocks: { kind: keyof typeof notes; days: number; leadDays: [number, number] }[] = [];
  for (let i = Math.round(years * random.int(1, 2)); i > 0; i--)
    blocks.push({ kind: 'annual', days: random.int(2, 5), leadDays: [7, 60] });
  for (let i = Math.round(years * random.int(0, 3)); i > 0; i--) blocks.push({ kind: 'sick', days: 1, leadDays: [0, 0] });
  if (p.kind === 'doctor' && random.chance(0.4)) blocks.push({ kind: 'training', days: random.int(1, 2), leadDays: [14, 90] });
  const leave: Leave[] = [];
  const asOfDay = zone.dayOf(asOf);
  for (const block of blocks) {
    const day = p.firstDay + random.int(0, Math.max(0, span - block.days));
    // Nobody reports sick in advance: sick days lie before --as-of.
    if (block.kind === 'sick' && day >= asOfDay) continue;
    const startsAt = zone.instant(day, 0);
    const endsAt = zone.instant(day + block.days, 0);
    if (leave.some((l) => l.startsAt < endsAt && startsAt < l.endsAt)) continue;
    const noticed = block.kind === 'sick' ? zone.instant(day, 7 * 60) : startsAt - random.int(...block.leadDays) * DAY_MS;
    leave.push({ id: random.uuid(), startsAt, endsAt, note: notes[block.kind], createdAt: Math.min(noticed, asOf) });
  }
  return leave.sort((a, b) => a.startsAt - b.startsAt);
}

function assignSkills(random: SeededRandom, practitioners: Practitioner[], treatments: SeededTreatment[]): void {
  if (practitioners.length === 0) return;
  const suits = (p: Practitioner, t: SeededTreatment) => t.entry.performer === 'either' || t.entry.performer === p.kind;
  for (const p of practitioners) {
    for (const t of treatments) {
      if ((suits(p, t) && random.chance(0.85)) || (p.kind === 'doctor' && random.chance(0.1))) p.treatments.push(t);
    }
  }
  // Every treatment has someone to perform it (a doctor covers a therapist's work in a clinic without one).
  for (const t of treatments) {
    if (practitioners.some((p) => p.treatments.includes(t))) continue;
    const suited = practitioners.filter((p) => suits(p, t));
    const doctors = practitioners.filter((p) => p.kind === 'doctor');
    random.pick(suited.length ? suited : doctors.length ? doctors : practitioners).treatments.push(t);
  }
  for (const p of practitioners) {
    const suited = treatments.filter((t) => suits(p, t));
    if (p.treatments.length === 0) p.treatments.push(random.pick(suited.length ? suited : treatments));
  }
}

/** `count` distinct items, in the order they were drawn. */
function sample<T>(random: SeededRandom, items: readonly T[], count: number): T[] {
  const pool = [...items];
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + Math.floor(random.next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort((a, b) => (a < b ? -1 : 1));
}

const treatmentColumns: Column<SeededTreatment>[] = [
  { name: 'id', type: 'uuid', value: (t) => t.id },
  { name: 'clinic_id', type: 'uuid', value: (t) => t.clinicId },
  { name: 'name_en', type: 'text', value: (t) => t.entry.names.en },
  { name: 'name_th', type: 'text', value: (t) => t.entry.names.th },
  { name: 'name_zh', type: 'text', value: (t) => t.entry.names.zh },
  { name: 'category', type: 'text', value: (t) => t.entry.category },
  { name: 'duration_minutes', type: 'int4', value: (t) => t.durationMinutes },
  { name: 'price_satang', type: 'int8', value: (t) => t.priceSatang },
  { name: 'buffer_before_minutes', type: 'int4', value: (t) => t.bufferBeforeMinutes },
  { name: 'buffer_after_minutes', type: 'int4', value: (t) => t.bufferAfterMinutes },
  { name: 'created_at', type: 'timestamptz', value: (t) => t.createdAt },
  { name: 'updated_at', type: 'timestamptz', value: (t) => t.createdAt },
];

const roomColumns: Column<SeededRoom>[] = [
  { name: 'id', type: 'uuid', value: (r) => r.id },
  { name: 'clinic_id', type: 'uuid', value: (r) => r.clinicId },
  { name: 'name', type: 'text', value: (r) => r.name },
  { name: 'created_at', type: 'timestamptz', value: (r) => r.createdAt },
];

interface WorkingHoursRow {
  id: string;
  clinicId: string;
  staffUserId: string;
  weekday: number;
  start: string;
  end: string;
}

const workingHoursColumns: Column<WorkingHoursRow>[] = [
  { name: 'id', type: 'uuid', value: (h) => h.id },
  { name: 'clinic_id', type: 'uuid', value: (h) => h.clinicId },
  { name: 'staff_user_id', type: 'uuid', value: (h) => h.staffUserId },
  { name: 'weekday', type: 'int2', value: (h) => h.weekday },
  { name: 'start_time', type: 'time', value: (h) => h.start },
  { name: 'end_time', type: 'time', value: (h) => h.end },
];

interface LeaveRow extends Leave {
  clinicId: string;
  staffUserId: string;
}

const leaveColumns: Column<LeaveRow>[] = [
  { name: 'id', type: 'uuid', value: (l) => l.id },
  { name: 'clinic_id', type: 'uuid', value: (l) => l.clinicId },
  { name: 'staff_user_id', type: 'uuid', value: (l) => l.staffUserId },
  { name: 'kind', type: 'text', value: () => 'leave' },
  { name: 'starts_at', type: 'timestamptz', value: (l) => new Date(l.startsAt) },
  { name: 'ends_at', type: 'timestamptz', value: (l) => new Date(l.endsAt) },
  { name: 'note', type: 'text', value: (l) => l.note },
  { name: 'created_at', type: 'timestamptz', value: (l) => new Date(l.createdAt) },
];

interface SkillRow {
  clinicId: string;
  staffUserId: string;
  treatmentId: string;
}

const skillColumns: Column<SkillRow>[] = [
  { name: 'clinic_id', type: 'uuid', value: (s) => s.clinicId },
  { name: 'staff_user_id', type: 'uuid', value: (s) => s.staffUserId },
  { name: 'treatment_id', type: 'uuid', value: (s) => s.treatmentId },
];

const treatmentRows = (world: SeedWorld) => clinicOperations(world).flatMap((o) => o.treatments);
const roomRows = (world: SeedWorld) => clinicOperations(world).flatMap((o) => o.rooms);
const practitionersOf = (world: SeedWorld) => clinicOperations(world).flatMap((o) => o.practitioners);

function workingHoursRows(world: SeedWorld): WorkingHoursRow[] {
  // Ids are drawn here rather than in the plan, so that the plan's own stream stays as it is.
  const random = world.random('working-hours');
  return practitionersOf(world).flatMap((p) =>
    p.week.flatMap((windows, weekday) =>
      windows.map(([start, end]) => ({
        id: random.uuid(),
        clinicId: p.staff.clinicId,
        staffUserId: p.staff.id,
        weekday,
        start: clockTime(start),
        end: clockTime(end),
      })),
    ),
  );
}

const leaveRows = (world: SeedWorld): LeaveRow[] =>
  practitionersOf(world).flatMap((p) => p.leave.map((l) => ({ ...l, clinicId: p.staff.clinicId, staffUserId: p.staff.id })));
const skillRows = (world: SeedWorld): SkillRow[] =>
  practitionersOf(world).flatMap((p) =>
    p.treatments.map((t) => ({ clinicId: p.staff.clinicId, staffUserId: p.staff.id, treatmentId: t.id })),
  );

/** A step writing the rows derived from the world: derived once, for the count shown and the write. */
function rowsStep<Row>(table: string, columns: Column<Row>[], rowsOf: (world: SeedWorld) => Row[]): SeedStep {
  const derived = new WeakMap<SeedWorld, Row[]>();
  const rows = (world: SeedWorld) => {
    if (!derived.has(world)) derived.set(world, rowsOf(world));
    return derived.get(world)!;
  };
  return {
    table,
    plannedRows: (world) => rows(world).length,
    write: (world, tx, progress) => insertRows(tx, table, columns, rows(world), progress),
  };
}

export const treatmentsStep = rowsStep('treatments', treatmentColumns, treatmentRows);
export const roomsStep = rowsStep('rooms', roomColumns, roomRows);
export const workingHoursStep = rowsStep('staff_working_hours', workingHoursColumns, workingHoursRows);
export const scheduleExceptionsStep = rowsStep('staff_schedule_exceptions', leaveColumns, leaveRows);
export const staffTreatmentsStep = rowsStep('staff_treatments', skillColumns, skillRows);
