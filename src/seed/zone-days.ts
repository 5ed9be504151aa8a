import { DateTime } from 'luxon';

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/**
 * Wall-clock arithmetic for whole local days of one zone, each day numbered like a UTC day since
 * 1970-01-01. The offset is looked up once per day, because luxon is far too slow to call for each of
 * a million appointments; only on a day whose offset changes (DST) does each time go through luxon,
 * which moves a time that falls in the gap forward, as a clock would.
 */
export class ZoneDays {
  private readonly offsets = new Map<number, { start: number; end: number }>();

  constructor(readonly zone: string) {}

  /** The local day an instant falls on. */
  dayOf(instant: number): number {
    const local = DateTime.fromMillis(instant, { zone: this.zone });
    return Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
  }

  /** The instant that is `minutes` past local midnight on `day`, by the wall clock. */
  instant(day: number, minutes: number): number {
    const offsets = this.offsetsOf(day);
    if (offsets.start === offsets.end) return day * DAY_MS + (minutes - offsets.start) * MINUTE_MS;
    return this.local(day, minutes).toMillis();
  }

  private offsetsOf(day: number): { start: number; end: number } {
    let offsets = this.offsets.get(day);
    if (!offsets) {
      offsets = { start: this.local(day, 0).offset, end: this.local(day, 24 * 60 - 1).offset };
      this.offsets.set(day, offsets);
    }
    return offsets;
  }

  private local(day: number, minutes: number): DateTime {
    const date = new Date(day * DAY_MS);
    return DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(minutes / 60),
        minute: minutes % 60,
      },
      { zone: this.zone },
    );
  }
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** HH:MM of minutes past midnight, as a `time` column takes it. */
export function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
