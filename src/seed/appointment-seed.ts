import type { AppointmentStatus } from '../appointments/appointment-moves.ts';
import { cancellationFee } from '../appointments/cancellation-fee.ts';
import { insertRows, type Column } from './batch-insert.ts';
import { clinicOperations, type ClinicOperations, type Practitioner, type SeededTreatment } from './clinic-operations-seed.ts';
import { bookingRulesOf, type SeedBookingRules } from './seed-repo.ts';
import type { SeededRandom } from './seed-random.ts';
import { SeedRefusedError, type Locale, type SeededClinic, type SeedStep, type SeedWorld, type Tier } from './seed-step.ts';
import { shareOut } from './user-seed.ts';
import { DAY_MS, MINUTE_MS, isoWeekday } from './zone-days.ts';

// A book more than half full would be unlike any clinic, and placing the last bookings would turn
// into a search; the allocation keeps every clinic under this share of its staff's (and rooms') time.
const MAX_UTILISATION = 0.5;
// Busier at weekends, in the cool high season and before Songkran; quieter in the rainy season.
const WEEKDAY_DEMAND = [0, 0.75, 0.8, 0.85, 0.9, 1.1, 1.4, 1.25];
const MONTH_DEMAND = [1.1, 1.05, 1.1, 0.95, 0.95, 0.9, 0.9, 0.9, 0.85, 0.95, 1.05, 1.2];
// Bookings per hour of staff time: bigger clinics are busier, and closing ones quieter.
const TIER_DEMAND: Record<Tier, number> = { starter: 0.8, professional: 1, enterprise: 1.25 };
const STATUS_DEMAND: Record<SeededClinic['status'], number> = { active: 1, trial: 0.7, suspended: 0.6, cancelled: 0.4 };
// A new clinic fills up over its first months; the future is only as booked as it is so far.
const RAMP_UP_DAYS = 180;
const BOOKED_AHEAD_DAYS = 20;

const NOTES: Record<Locale, string[]> = {
  en: [
    'First visit',
    'Numbing cream on arrival',
    'Prefers a female doctor',
    'Package session',
    'Sensitive skin, patch test done',
  ],
  th: ['มาครั้งแรก', 'ทายาชาก่อนทำ 30 นาที', 'ขอแพทย์ผู้หญิง', 'ใช้คอร์สที่ซื้อไว้', 'ผิวแพ้ง่าย'],
  zh: ['首次到店', '提前30分钟敷麻药', '希望女医生', '疗程套餐', '敏感肌'],
};
const CANCELLATION_REASONS: Record<Locale, string[]> = {
  en: ['Schedule conflict', 'Feeling unwell', 'Travelling', 'Booked by mistake', 'Will rebook later'],
  th: ['ติดธุระ', 'ไม่สบาย', 'เดินทางต่างจังหวัด', 'จองผิดวัน', 'ขอเลื่อนไปก่อน'],
  zh: ['临时有事', '身体不适', '出差', '预约错了', '以后再约'],
};

interface AppointmentRow {
  id: string;
  clinicId: string;
  customerId: string;
  treatment: SeededTreatment;
  staffUserId: string;
  roomId: string | null;
  startsAt: number;
  endsAt: number;
  status: AppointmentStatus;
  notes: string;
  cancellationFeeSatang: number | null;
  cancellationReason: string | null;
  cancelledAt: number | null;
  createdByUserId: string | null;
  createdAt: number;
  updatedAt: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// blocked_during is left out: a trigger fills it from the times and buffers.
const columns: Column<AppointmentRow>[] = [
  { name: 'id', type: 'uuid', value: (a) => a.id },
  { name: 'clinic_id', type: 'uuid', value: (a) => a.clinicId },
  { name: 'customer_id', type: 'uuid', value: (a) => a.customerId },
  { name: 'treatment_id', type: 'uuid', value: (a) => a.treatment.id },
  { name: 'staff_user_id', type: 'uuid', value: (a) => a.staffUserId },
  { name: 'room_id', type: 'uuid', value: (a) => a.roomId },
  { name: 'starts_at', type: 'timestamptz', value: (a) => iso(a.startsAt) },
  { name: 'ends_at', type: 'timestamptz', value: (a) => iso(a.endsAt) },
  { name: 'buffer_before_minutes', type: 'int4', value: (a) => a.treatment.bufferBeforeMinutes },
  { name: 'buffer_after_minutes', type: 'int4', value: (a) => a.treatment.bufferAfterMinutes },
  { name: 'status', type: 'text', value: (a) => a.status },
  { name: 'price_satang', type: 'int8', value: (a) => a.treatment.priceSatang },
  { name: 'notes', type: 'text', value: (a) => a.notes },
  { name: 'cancellation_fee_satang', type: 'int8', value: (a) => a.cancellationFeeSatang },
  { name: 'cancellation_reason', type: 'text', value: (a) => a.cancellationReason },
  { name: 'cancelled_at', type: 'timestamptz', value: (a) => iso(a.cancelledAt) },
  { name: 'created_by_user_id', type: 'uuid', value: (a) => a.createdByUserId },
  { name: 'created_at', type: 'timestamptz', value: (a) => iso(a.createdAt) },
  { name: 'updated_at', type: 'timestamptz', value: (a) => iso(a.updatedAt) },
];

/**
 * --appointments spread over the clinics in proportion to their staff's time (bigger tiers busier),
 * each clinic's share laid out day by day in its own zone, inside working hours and never over
 * another booking of the same practitioner or room (with buffers): the exclusion constraints would
 * refuse the batch otherwise.
 */
export const appointmentsStep: SeedStep = {
  table: 'appointments',
  plannedRows: (world) => world.scale.appointments,
  async write(world, tx, progress) {
    const customersOf = new Map<string, Book['customers']>();
    for (const c of world.customers) {
      if (!customersOf.has(c.clinicId)) customersOf.set(c.clinicId, []);
      customersOf.get(c.clinicId)!.push({ id: c.id, userId: c.userId, createdAt: c.createdAt.getTime() });
    }
    const books = clinicOperations(world).map((ops) => planBook(world, ops, customersOf.get(ops.clinic.id) ?? []));
    const counts = allocate(world.scale.appointments, books);
    const rules = await bookingRulesOf(
      tx,
      world.clinics.map((c) => c.id),
    );
    return insertRows(tx, 'appointments', columns, generateAppointments(world, books, counts, rules), progress);
  },
};

/** One clinic's appointment book before it is filled: how much each day should get, and at most how many in all. */
interface Book {
  ops: ClinicOperations;
  customers: { id: string; userId: string; createdAt: number }[];
  dayWeights: number[];
  weight: number;
  maxAppointments: number;
}

function planBook(world: SeedWorld, ops: ClinicOperations, customers: Book['customers']): Book {
  customers.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const asOf = world.asOf.getTime();
  const opened = ops.zone.dayOf(ops.clinic.createdAt.getTime());
  const dayWeights: number[] = [];
  let capacityMinutes = 0;
  let weight = 0;
  for (let day = ops.firstDay; day <= ops.lastDay; day++) {
    const capacity = dayCapacityMinutes(ops, day);
    const date = new Date(day * DAY_MS);
    const start = ops.zone.instant(day, 0);
    const demand =
      WEEKDAY_DEMAND[isoWeekday(day)]! *
      MONTH_DEMAND[date.getUTCMonth()]! *
      Math.min(1, 0.4 + (0.6 * (day - opened)) / RAMP_UP_DAYS) *
      (start > asOf ? Math.exp(-(start - asOf) / DAY_MS / BOOKED_AHEAD_DAYS) : 1);
    dayWeights.push(capacity * demand);
    capacityMinutes += capacity;
    weight += capacity * demand;
  }
  const popularity = ops.treatments.reduce((sum, t) => sum + t.entry.popularity, 0);
  const meanBlocked =
    ops.treatments.reduce((sum, t) => sum + blockedMinutes(t) * t.entry.popularity, 0) / Math.max(popularity, 1);
  const bookable = customers.length > 0 && ops.practitioners.length > 0;
  return {
    ops,
    customers,
    dayWeights,
    weight: bookable ? weight * TIER_DEMAND[ops.clinic.tier] * STATUS_DEMAND[ops.clinic.status] : 0,
    maxAppointments: bookable ? Math.floor((MAX_UTILISATION * capacityMinutes) / Math.max(meanBlocked, 1)) : 0,
  };
}

const blockedMinutes = (t: SeededTreatment) => t.bufferBeforeMinutes + t.durationMinutes + t.bufferAfterMinutes;

/** Minutes that can be booked on a day: the practitioners' time, or the rooms' time when rooms are fewer. */
function dayCapacityMinutes(ops: ClinicOperations, day: number): number {
  const weekday = isoWeekday(day);
  let staffMs = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const p of ops.practitioners) {
    if (day < p.firstDay || day > p.lastDay) continue;
    for (const [start, end] of p.week[weekday]!) {
      const from = ops.zone.instant(day, start);
      const until = ops.zone.instant(day, end);
      let ms = until - from;
      for (const l of p.leave) ms -= Math.max(0, Math.min(until, l.endsAt) - Math.max(from, l.startsAt));
      if (ms <= 0) continue;
      staffMs += ms;
      first = Math.min(first, from);
      last = Math.max(last, until);
    }
  }
  const roomMs = ops.rooms.length > 0 && staffMs > 0 ? ops.rooms.length * (last - first) : Infinity;
  return Math.min(staffMs, roomMs) / MINUTE_MS;
}

/** Exactly `total` shared out by weight, no clinic over its maximum; refuses a total the clinics cannot hold. */
function allocate(total: number, books: Book[]): number[] {
  const room = books.reduce((sum, b) => sum + b.maxAppointments, 0);
  if (total > room) {
    throw new SeedRefusedError(
      `--appointments ${total} would not fit: the seeded staff can take about ${room} in two years without being more than half booked; add --users or --clinics, or ask for fewer`,
    );
  }
  const counts = books.map(() => 0);
  let open = books.map((_, i) => i).filter((i) => books[i]!.maxAppointments > 0 && books[i]!.weight > 0);
  let left = total;
  while (left > 0 && open.length > 0) {
    const shares = shareOut(
      left,
      open.map((i) => books[i]!.weight),
    );
    left = 0;
    open = open.filter((i, k) => {
      const taken = Math.min(shares[k]!, books[i]!.maxAppointments - counts[i]!);
      counts[i]! += taken;
      left += shares[k]! - taken;
      return counts[i]! < books[i]!.maxAppointments;
    });
  }
  return counts;
}

function* generateAppointments(
  world: SeedWorld,
  books: Book[],
  counts: number[],
  rules: Map<string, SeedBookingRules>,
): Generator<AppointmentRow> {
  const frontDesk = new Map<string, string[]>();
  for (const s of world.staff) {
    if (s.role !== 'receptionist' && s.role !== 'clinic_owner') continue;
    if (!frontDesk.has(s.clinicId)) frontDesk.set(s.clinicId, []);
    frontDesk.get(s.clinicId)!.push(s.id);
  }
  for (const [i, book] of books.entries()) {
    if (counts[i] === 0) continue;
    yield* fillBook(world, book, counts[i]!, rules.get(book.ops.clinic.id)!, frontDesk.get(book.ops.clinic.id) ?? []);
  }
}

/** What one practitioner can still be booked for on one day. */
interface Shift {
  practitioner: Practitioner;
  treatments: (readonly [SeededTreatment, number])[];
  /** [from, until) pairs in epoch ms, flat: working windows, and bookings (with buffers) so far. */
  windows: number[];
  busy: number[];
  freeMs: number;
}

interface DaySchedule {
  shifts: Shift[];
  /** Per room, bookings so far as flat [from, until) pairs. */
  rooms: number[][];
}

interface Placement {
  shift: Shift;
  treatment: SeededTreatment;
  blockedFrom: number;
  room: number;
}

function* fillBook(
  world: SeedWorld,
  book: Book,
  count: number,
  rules: SeedBookingRules,
  frontDesk: string[],
): Generator<AppointmentRow> {
  const { ops } = book;
  const random = world.random(`appointments/${ops.clinic.number}`);
  const targets = shareOut(count, book.dayWeights);
  const step = rules.slotIntervalMinutes * MINUTE_MS;
  const schedules: DaySchedule[] = [];
  let left = 0;
  for (const [i, target] of targets.entries()) {
    const schedule = daySchedule(ops, ops.firstDay + i);
    schedules.push(schedule);
    // A day that is full passes the rest on to the next.
    left += target;
    for (; left > 0; left--) {
      const placement = place(random, schedule, step);
      if (!placement) break;
      yield appointment(world, book, rules, frontDesk, random, placement);
    }
  }
  // Only when the last days ran full: any day with room left takes the rest.
  for (const schedule of schedules) {
    for (; left > 0; left--) {
      const placement = place(random, schedule, step);
      if (!placement) break;
      yield appointment(world, book, rules, frontDesk, random, placement);
    }
  }
  if (left > 0)
    throw new Error(`clinic ${ops.clinic.slug}: ${left} appointments found no room, though the allocation kept it half free`);
}

function daySchedule(ops: ClinicOperations, day: number): DaySchedule {
  const weekday = isoWeekday(day);
  const shifts: Shift[] = [];
  for (const p of ops.practitioners) {
    if (day < p.firstDay || day > p.lastDay || p.week[weekday]!.length === 0) continue;
    const windows: number[] = [];
    for (const [start, end] of p.week[weekday]!) {
      let pieces = [ops.zone.instant(day, start), ops.zone.instant(day, end)];
      for (const l of p.leave) {
        const cut: number[] = [];
        for (let k = 0; k < pieces.length; k += 2) {
          const [from, until] = [pieces[k]!, pieces[k + 1]!];
          if (l.endsAt <= from || l.startsAt >= until) cut.push(from, until);
          else {
            if (l.startsAt > from) cut.push(from, l.startsAt);
            if (l.endsAt < until) cut.push(l.endsAt, until);
          }
        }
        pieces = cut;
      }
      windows.push(...pieces);
    }
    let freeMs = 0;
    for (let k = 0; k < windows.length; k += 2) freeMs += windows[k + 1]! - windows[k]!;
    if (freeMs > 0)
      shifts.push({
        practitioner: p,
        treatments: p.treatments.map((t) => [t, t.entry.popularity] as const),
        windows,
        busy: [],
        freeMs,
      });
  }
  return { shifts, rooms: ops.rooms.map(() => []) };
}

/**
 * A practitioner (more often one with more free time), one of their treatments (by popularity) and a
 * start on the clinic's slot grid, counted from the window's opening as the booking page does, where
 * neither they nor a room is taken. A few random tries, then every start of every practitioner in turn.
 */
function place(random: SeededRandom, day: DaySchedule, step: number): Placement | undefined {
  if (day.shifts.length === 0) return undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const shift = random.weighted(day.shifts.map((s) => [s, s.freeMs] as const));
    const treatment = random.weighted(shift.treatments);
    const blocked = blockedMinutes(treatment) * MINUTE_MS;
    const starts = startsThatFit(shift.windows, blocked, step);
    if (starts.length === 0) continue;
    const [from, count] = random.pick(starts);
    const blockedFrom = from + random.int(0, count - 1) * step;
    const room = bookableRoom(random, day, shift, blockedFrom, blockedFrom + blocked);
    if (room !== undefined) return book(day, shift, treatment, blockedFrom, blocked, room);
  }
  const first = random.int(0, day.shifts.length - 1);
  for (let k = 0; k < day.shifts.length; k++) {
    const shift = day.shifts[(first + k) % day.shifts.length]!;
    const treatment = random.weighted(shift.treatments);
    const blocked = blockedMinutes(treatment) * MINUTE_MS;
    for (const [from, count] of startsThatFit(shift.windows, blocked, step)) {
      for (let j = 0; j < count; j++) {
        const room = bookableRoom(random, day, shift, from + j * step, from + j * step + blocked);
        if (room !== undefined) return book(day, shift, treatment, from + j * step, blocked, room);
      }
    }
  }
  return undefined;
}

/** Per window that can hold `blocked`: its opening and how many grid starts fit. */
function startsThatFit(windows: number[], blocked: number, step: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < windows.length; k += 2) {
    const span = windows[k + 1]! - windows[k]! - blocked;
    if (span >= 0) out.push([windows[k]!, Math.floor(span / step) + 1]);
  }
  return out;
}

/** A room free for the interval (-1 when the clinic has no rooms), or undefined when the practitioner or every room is taken. */
function bookableRoom(random: SeededRandom, day: DaySchedule, shift: Shift, from: number, until: number): number | undefined {
  if (overlapsAny(shift.busy, from, until)) return undefined;
  if (day.rooms.length === 0) return -1;
  const first = random.int(0, day.rooms.length - 1);
  for (let k = 0; k < day.rooms.length; k++) {
    const room = (first + k) % day.rooms.length;
    if (!overlapsAny(day.rooms[room]!, from, until)) return room;
  }
  return undefined;
}

function overlapsAny(pairs: number[], from: number, until: number): boolean {
  for (let k = 0; k < pairs.length; k += 2) if (pairs[k]! < until && from < pairs[k + 1]!) return true;
  return false;
}

function book(
  day: DaySchedule,
  shift: Shift,
  treatment: SeededTreatment,
  blockedFrom: number,
  blocked: number,
  room: number,
): Placement {
  shift.busy.push(blockedFrom, blockedFrom + blocked);
  shift.freeMs -= blocked;
  if (room >= 0) day.rooms[room]!.push(blockedFrom, blockedFrom + blocked);
  return { shift, treatment, blockedFrom, room };
}

function appointment(
  world: SeedWorld,
  book: Book,
  rules: SeedBookingRules,
  frontDesk: string[],
  random: SeededRandom,
  placement: Placement,
): AppointmentRow {
  const { ops } = book;
  const { treatment } = placement;
  const asOf = world.asOf.getTime();
  const startsAt = placement.blockedFrom + treatment.bufferBeforeMinutes * MINUTE_MS;
  const endsAt = startsAt + treatment.durationMinutes * MINUTE_MS;
  const bookedAt = bookingTime(random, startsAt, asOf, ops.clinic.createdAt.getTime());
  const customer = customerBookedBy(random, book.customers, bookedAt);
  const status = statusOf(random, startsAt, endsAt, asOf);
  let cancelledAt: number | null = null;
  let fee: number | null = null;
  let updatedAt = bookedAt;
  if (status === 'cancelled') {
    cancelledAt = cancellationTime(random, bookedAt, startsAt);
    fee = cancellationFee(treatment.priceSatang, new Date(startsAt), new Date(cancelledAt), rules.cancellationFees).feeSatang;
    updatedAt = cancelledAt;
  } else if (status === 'completed') {
    updatedAt = Math.min(asOf, endsAt + random.int(5, 30) * MINUTE_MS);
  } else if (status === 'no_show') {
    updatedAt = Math.min(asOf, startsAt + random.int(20, 60) * MINUTE_MS);
  } else if (status === 'in_progress') {
    updatedAt = startsAt;
  } else if (status === 'confirmed') {
    // Confirmed after the clinic's reminder, a day or two ahead (or right away when booked late).
    const latest = Math.min(asOf, startsAt - 12 * 60 * MINUTE_MS);
    updatedAt = latest <= bookedAt ? bookedAt : latest - Math.floor(random.next() * Math.min(latest - bookedAt, DAY_MS));
  }
  const locale = ops.clinic.locale;
  return {
    id: random.uuid(),
    clinicId: ops.clinic.id,
    customerId: customer.id,
    treatment,
    staffUserId: placement.shift.practitioner.staff.id,
    roomId: placement.room >= 0 ? ops.rooms[placement.room]!.id : null,
    startsAt,
    endsAt,
    status,
    notes: random.chance(0.06) ? random.pick(NOTES[locale]) : '',
    cancellationFeeSatang: fee,
    cancellationReason: status === 'cancelled' && random.chance(0.7) ? random.pick(CANCELLATION_REASONS[locale]) : null,
    cancelledAt,
    // Booked online by the customer, or by the front desk on the phone or at the counter.
    createdByUserId: random.chance(0.55) || frontDesk.length === 0 ? customer.userId : random.pick(frontDesk),
    createdAt: bookedAt,
    updatedAt,
  };
}

/** Walk-ins and same-day calls, bookings a week or two ahead, and some a month or more ahead; never after --as-of. */
function bookingTime(random: SeededRandom, startsAt: number, asOf: number, clinicCreatedAt: number): number {
  const r = random.next();
  const lead =
    r < 0.15
      ? random.int(30, 6 * 60) * MINUTE_MS
      : r < 0.65
        ? random.int(1, 14) * DAY_MS - random.int(0, 600) * MINUTE_MS
        : random.int(15, 45) * DAY_MS;
  let at = startsAt - lead;
  if (at > asOf) at = asOf - random.int(0, 3 * 24 * 60) * MINUTE_MS;
  return Math.max(at, clinicCreatedAt);
}

/** A customer who was already on the books when the booking was made (the earliest one for the clinic's first days). */
function customerBookedBy(random: SeededRandom, customers: Book['customers'], bookedAt: number): Book['customers'][number] {
  let low = 0;
  let high = customers.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (customers[mid]!.createdAt <= bookedAt) low = mid + 1;
    else high = mid;
  }
  return customers[random.int(0, Math.max(low, 1) - 1)]!;
}

/**
 * Past appointments are settled: mostly completed, some cancelled or no-shows; those of the last day
 * may still wait for the front desk to close them. Future ones are booked, and confirmed when near.
 */
function statusOf(random: SeededRandom, startsAt: number, endsAt: number, asOf: number): AppointmentStatus {
  if (startsAt >= asOf) return random.chance(startsAt - asOf < 2 * DAY_MS ? 0.7 : 0.25) ? 'confirmed' : 'scheduled';
  if (endsAt > asOf) return 'in_progress';
  const r = random.next();
  if (r < 0.12) return 'cancelled';
  if (r < 0.17) return 'no_show';
  if (startsAt >= asOf - DAY_MS && r < 0.3) return 'confirmed';
  return 'completed';
}

/** Most cancel days ahead (free under the default policy); some late enough to pay a fee. */
function cancellationTime(random: SeededRandom, bookedAt: number, startsAt: number): number {
  const r = random.next();
  const hoursBefore =
    r < 0.55 ? random.int(24, 240) : r < 0.75 ? random.int(12, 23) : r < 0.87 ? random.int(6, 11) : random.int(0, 5);
  const at = startsAt - hoursBefore * 60 * MINUTE_MS - random.int(1, 59) * MINUTE_MS;
  return at > bookedAt ? at : bookedAt + Math.floor(random.next() * (startsAt - bookedAt));
}
