import { describe, expect, it } from 'vitest';
import { addDays, dayBounds, isLocalDate, localDateOf, startOfLocalDay } from '../../web/src/appointments/clinic-days.ts';

describe('clinic days in the clinic time zone', () => {
  it('a Bangkok clinic is already on the next day while UTC is still on the evening before', () => {
    expect(localDateOf('2026-05-10T18:30:00Z', 'Asia/Bangkok')).toBe('2026-05-11');
    expect(localDateOf('2026-05-10T16:59:59Z', 'Asia/Bangkok')).toBe('2026-05-10');
  });

  it('a Bangkok day runs from 17:00 UTC to 17:00 UTC', () => {
    expect(dayBounds('2026-05-11', 'Asia/Bangkok')).toEqual({
      from: '2026-05-10T17:00:00.000Z',
      until: '2026-05-11T17:00:00.000Z',
    });
  });

  it('the day London springs forward lasts 23 hours, and its midnight is still GMT', () => {
    const { from, until } = dayBounds('2026-03-29', 'Europe/London');
    expect(from).toBe('2026-03-29T00:00:00.000Z');
    expect(until).toBe('2026-03-29T23:00:00.000Z');
  });

  it('the day London falls back lasts 25 hours', () => {
    const { from, until } = dayBounds('2026-10-25', 'Europe/London');
    expect(from).toBe('2026-10-24T23:00:00.000Z');
    expect(until).toBe('2026-10-26T00:00:00.000Z');
    expect(Date.parse(until) - Date.parse(from)).toBe(25 * 3_600_000);
  });

  it('New York midnight after the spring change is four hours behind UTC, before it five', () => {
    expect(startOfLocalDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('an hour after the jump the clinic sees the same date in London as its wall clock shows', () => {
    expect(localDateOf('2026-03-29T00:59:59Z', 'Europe/London')).toBe('2026-03-29');
    expect(localDateOf('2026-10-25T23:30:00Z', 'Europe/London')).toBe('2026-10-25');
  });

  it('adding days crosses month and leap-year ends', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('only a real YYYY-MM-DD date is accepted from the address bar', () => {
    expect(isLocalDate('2026-05-11')).toBe(true);
    expect(isLocalDate('2026-5-11')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate(null)).toBe(false);
  });
});
