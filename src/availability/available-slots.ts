import { DateTime } from 'luxon';

/** A half-open interval of instants, [from, until), in epoch milliseconds. */
export interface Interval {
  from: number;
  until: number;
}

export interface WeeklyHours {
  /** ISO weekday: 1 = Monday … 7 = Sunday, in the clinic's time zone. */
  weekday: number;
  /** Local wall-clock time, HH:MM or HH:MM:SS. */
  start: string;
  end: string;
}

export interface StaffCalendar {
  staffUserId: string;
  weeklyHours: WeeklyHours[];
  extraShifts: Interval[];
  leave: Interval[];
  /** Existing bookings, already widened by their own buffers. */
  busy: Interval[];
}

export interface SlotRequest {
  timeZone: string;
  /** First and last local date to search, YYYY-MM-DD, inclusive. */
  fromDate: string;
  toDate: string;
  now: number;
  minNoticeMinutes: number;
  maxAdvanceDays: number;
  slotIntervalMinutes: number;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  staff: StaffCalendar[];
  /** Busy intervals per active room; when the clinic has rooms, every slot needs one free. */
  rooms: { roomId: string; busy: Interval[] }[];
}

export interface Slot {
  startsAt: string;
  endsAt: string;
  staffUserIds: string[];
  roomIds: string[];
}

const MINUTE = 60_000;

/**
 * Bookable start times. A slot is offered when the treatment plus its buffers fits inside one of a
 * staff member's working windows (weekly hours and extra shifts, minus leave), does not touch a
 * booking (with that booking's buffers), starts after the minimum notice and within the horizon,
 * and — when the clinic has rooms — a room is free for the same widened interval. All wall-clock
 * arithmetic happens in the clinic's zone, so DST changes shift hours correctly.
 */
export function availableSlots(req: SlotRequest): Slot[] {
  const earliest = req.now + req.minNoticeMinutes * MINUTE;
  const horizon = req.now + req.maxAdvanceDays * 24 * 60 * MINUTE;
  const duration = req.durationMinutes * MINUTE;
  const before = req.bufferBeforeMinutes * MINUTE;
  const after = req.bufferAfterMinutes * MINUTE;
  const step = req.slotIntervalMinutes * MINUTE;
  const days = localDays(req.timeZone, req.fromDate, req.toDate);
  const searched: Interval = { from: days[0]?.from ?? 0, until: days[days.length - 1]?.until ?? 0 };

  const byStart = new Map<number, { staff: string[]; rooms: string[] }>();
  for (const member of req.staff) {
    const windows = subtract(
      merge([...weeklyWindows(member.weeklyHours, days, req.timeZone), ...member.extraShifts.map((w) => clip(w, searched))]),
      member.leave,
    );
    for (const window of windows) {
      // Starts are aligned to the window's opening, so slots read 09:00, 09:15, … not 09:07.
      for (let blockedFrom = window.from; blockedFrom + before + duration + after <= window.until; blockedFrom += step) {
        const start = blockedFrom + before;
        if (start < earliest || start > horizon) continue;
        const blocked = { from: blockedFrom, until: start + duration + after };
        if (member.busy.some((b) => overlaps(b, blocked))) continue;
        const freeRooms = req.rooms.filter((r) => !r.busy.some((b) => overlaps(b, blocked))).map((r) => r.roomId);
        if (req.rooms.length > 0 && freeRooms.length === 0) continue;
        const entry = byStart.get(start) ?? { staff: [], rooms: freeRooms };
        entry.staff.push(member.staffUserId);
        byStart.set(start, entry);
      }
    }
  }
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, { staff, rooms }]) => ({
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + duration).toISOString(),
      staffUserIds: staff.sort(),
      roomIds: rooms,
    }));
}

interface LocalDay extends Interval {
  date: DateTime;
}

function localDays(zone: string, fromDate: string, toDate: string): LocalDay[] {
  const days: LocalDay[] = [];
  const last = DateTime.fromISO(toDate, { zone });
  for (let d = DateTime.fromISO(fromDate, { zone }).startOf('day'); d <= last; d = d.plus({ days: 1 })) {
    days.push({ date: d, from: d.toMillis(), until: d.plus({ days: 1 }).startOf('day').toMillis() });
  }
  return days;
}

function weeklyWindows(hours: WeeklyHours[], days: LocalDay[], zone: string): Interval[] {
  const windows: Interval[] = [];
  for (const day of days) {
    for (const h of hours) {
      if (h.weekday !== day.date.weekday) continue;
      // Luxon resolves a wall time that a DST gap skips by moving it forward, as a clock would.
      const from = atLocalTime(day.date, h.start, zone);
      const until = atLocalTime(day.date, h.end, zone);
      if (until > from) windows.push({ from, until });
    }
  }
  return windows;
}

function atLocalTime(day: DateTime, time: string, zone: string): number {
  const [hour = 0, minute = 0, second = 0] = time.split(':').map(Number);
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute, second }, { zone }).toMillis();
}

const overlaps = (a: Interval, b: Interval) => a.from < b.until && b.from < a.until;

function clip(w: Interval, bounds: Interval): Interval {
  return { from: Math.max(w.from, bounds.from), until: Math.min(w.until, bounds.until) };
}

export function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.until > i.from).sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.from <= last.until) last.until = Math.max(last.until, i.until);
    else out.push({ ...i });
  }
  return out;
}

export function subtract(windows: Interval[], holes: Interval[]): Interval[] {
  let result = windows;
  for (const hole of holes) {
    result = result.flatMap((w) => {
      if (!overlaps(w, hole)) return [w];
      const parts: Interval[] = [];
      if (hole.from > w.from) parts.push({ from: w.from, until: hole.from });
      if (hole.until < w.until) parts.push({ from: hole.until, until: w.until });
      return parts;
    });
  }
  return result;
}
