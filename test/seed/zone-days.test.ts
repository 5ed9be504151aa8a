import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DAY_MS, ZoneDays, clockTime, isoWeekday } from '../../src/seed/zone-days.ts';

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

describe('wall-clock days of a zone for seeding', () => {
  it('puts a local time on the instant the clock shows it, in Bangkok and across a DST change', () => {
    const cases: [string, string, number][] = [
      ['Asia/Bangkok', '2026-01-15', 9 * 60 + 30],
      ['Asia/Bangkok', '2026-01-15', 0],
      ['America/New_York', '2026-03-08', 10 * 60], // the day clocks go forward
      ['America/New_York', '2026-03-08', 2 * 60 + 30], // inside the gap: moved forward, as a clock would
      ['America/New_York', '2026-11-01', 18 * 60], // the day clocks go back
      ['Europe/London', '2026-03-29', 13 * 60],
    ];
    for (const [zone, date, minutes] of cases) {
      const expected = DateTime.fromISO(`${date}T${clockTime(minutes)}`, { zone }).toMillis();
      expect(new ZoneDays(zone).instant(dayNumber(date), minutes), `${zone} ${date} ${clockTime(minutes)}`).toBe(expected);
    }
  });

  it('knows the local day and weekday of an instant', () => {
    const bangkok = new ZoneDays('Asia/Bangkok');
    // 20:00 UTC on the 14th is 03:00 on Thursday the 15th in Bangkok.
    const day = bangkok.dayOf(Date.parse('2026-01-14T20:00:00Z'));
    expect(day).toBe(dayNumber('2026-01-15'));
    expect(isoWeekday(day)).toBe(4);
    expect(isoWeekday(dayNumber('2026-01-18'))).toBe(7);
  });
});
