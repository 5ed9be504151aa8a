import { describe, expect, it } from 'vitest';
import { availableSlots, type SlotRequest, type StaffCalendar } from '../../src/availability/available-slots.ts';

const at = (iso: string) => Date.parse(iso);
const staff = (overrides: Partial<StaffCalendar> = {}): StaffCalendar => ({
  staffUserId: 'staff-a',
  weeklyHours: [{ weekday: 1, start: '09:00', end: '12:00' }],
  extraShifts: [],
  leave: [],
  busy: [],
  ...overrides,
});
// 2026-06-01 is a Monday.
const request = (overrides: Partial<SlotRequest> = {}): SlotRequest => ({
  timeZone: 'Asia/Bangkok',
  fromDate: '2026-06-01',
  toDate: '2026-06-07',
  now: at('2026-05-31T00:00:00Z'),
  minNoticeMinutes: 0,
  maxAdvanceDays: 60,
  slotIntervalMinutes: 30,
  durationMinutes: 60,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  staff: [staff()],
  rooms: [],
  ...overrides,
});
const starts = (req: SlotRequest) => availableSlots(req).map((s) => s.startsAt);

describe('available slots', () => {
  it('offers every aligned start that fits inside working hours, in the clinic time zone', () => {
    // 09:00 in Bangkok (UTC+7) is 02:00Z; the last 60-minute slot before 12:00 starts at 11:00.
    expect(starts(request())).toEqual([
      '2026-06-01T02:00:00.000Z',
      '2026-06-01T02:30:00.000Z',
      '2026-06-01T03:00:00.000Z',
      '2026-06-01T03:30:00.000Z',
      '2026-06-01T04:00:00.000Z',
    ]);
    expect(availableSlots(request())[0]).toMatchObject({ endsAt: '2026-06-01T03:00:00.000Z', staffUserIds: ['staff-a'] });
  });

  it('never offers a slot inside the minimum notice', () => {
    const now = at('2026-06-01T01:40:00Z'); // 08:40 local
    expect(starts(request({ now, minNoticeMinutes: 60 }))[0]).toBe('2026-06-01T03:00:00.000Z');
  });

  it('never offers a slot beyond the booking horizon', () => {
    const weekly = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '10:00' }));
    const slots = starts(
      request({
        now: at('2026-06-01T00:00:00Z'),
        maxAdvanceDays: 2,
        slotIntervalMinutes: 60,
        staff: [staff({ weeklyHours: weekly })],
      }),
    );
    expect(slots).toEqual(['2026-06-01T02:00:00.000Z', '2026-06-02T02:00:00.000Z']);
  });

  it('never overlaps an existing booking, counting both bookings’ buffers', () => {
    // Works 09:00–14:00 local (02:00Z–07:00Z). An existing 10:00–11:00 booking with 15 minutes of
    // cleanup blocks 03:00Z–04:15Z. The new treatment needs 15 minutes of preparation before it.
    const busy = [{ from: at('2026-06-01T03:00:00Z'), until: at('2026-06-01T04:15:00Z') }];
    const req = request({
      slotIntervalMinutes: 15,
      bufferBeforeMinutes: 15,
      staff: [staff({ busy, weeklyHours: [{ weekday: 1, start: '09:00', end: '14:00' }] })],
    });
    const slots = starts(req);
    // Before the booking nothing fits: preparation from 09:00 puts the start at 09:15 and the end past 10:00.
    expect(slots[0]).toBe('2026-06-01T04:30:00.000Z');
    expect(slots).not.toContain('2026-06-01T04:15:00.000Z'); // its preparation would overlap the cleanup
    expect(slots[slots.length - 1]).toBe('2026-06-01T06:00:00.000Z'); // ends 14:00 local
    expect(slots).toHaveLength(7);
  });

  it('removes leave and adds extra shifts', () => {
    const leave = [{ from: at('2026-06-01T02:00:00Z'), until: at('2026-06-01T05:00:00Z') }];
    const extraShifts = [{ from: at('2026-06-07T03:00:00Z'), until: at('2026-06-07T04:00:00Z') }]; // Sunday 10:00–11:00
    expect(starts(request({ staff: [staff({ leave, extraShifts })] }))).toEqual(['2026-06-07T03:00:00.000Z']);
  });

  it('offers nothing on a day without working hours', () => {
    expect(starts(request({ fromDate: '2026-06-02', toDate: '2026-06-06' }))).toEqual([]);
  });

  it('lists every staff member free at a start', () => {
    const slots = availableSlots(
      request({
        staff: [staff(), staff({ staffUserId: 'staff-b', weeklyHours: [{ weekday: 1, start: '10:00', end: '11:00' }] })],
      }),
    );
    expect(slots.find((s) => s.startsAt === '2026-06-01T03:00:00.000Z')?.staffUserIds).toEqual(['staff-a', 'staff-b']);
    expect(slots.find((s) => s.startsAt === '2026-06-01T02:00:00.000Z')?.staffUserIds).toEqual(['staff-a']);
  });

  it('needs a free room when the clinic has rooms', () => {
    const rooms = [{ roomId: 'room-1', busy: [{ from: at('2026-06-01T02:00:00Z'), until: at('2026-06-01T04:00:00Z') }] }];
    expect(starts(request({ rooms }))).toEqual(['2026-06-01T04:00:00.000Z']);
    expect(availableSlots(request({ rooms }))[0]!.roomIds).toEqual(['room-1']);
  });

  describe('across daylight saving time in Europe/Berlin', () => {
    const berlin = (date: string, weekday: number) =>
      request({
        timeZone: 'Europe/Berlin',
        fromDate: date,
        toDate: date,
        now: at('2026-01-01T00:00:00Z'),
        maxAdvanceDays: 365,
        slotIntervalMinutes: 60,
        staff: [staff({ weeklyHours: [{ weekday, start: '01:00', end: '05:00' }] })],
      });

    it('a night the clocks skip an hour holds one slot fewer', () => {
      // 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 01:00–05:00 local is three real hours.
      expect(starts(berlin('2026-03-29', 7))).toEqual([
        '2026-03-29T00:00:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T02:00:00.000Z',
      ]);
    });

    it('a night the clocks repeat an hour holds one slot more', () => {
      // 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 01:00–05:00 local is five real hours.
      expect(starts(berlin('2026-10-25', 7))).toHaveLength(5);
      expect(starts(berlin('2026-10-25', 7))[0]).toBe('2026-10-24T23:00:00.000Z');
    });

    it('summer hours are UTC+2 and winter hours UTC+1', () => {
      const summer = request({ timeZone: 'Europe/Berlin', fromDate: '2026-06-01', toDate: '2026-06-01' });
      const winter = request({ timeZone: 'Europe/Berlin', fromDate: '2026-12-07', toDate: '2026-12-07', maxAdvanceDays: 365 });
      expect(starts(summer)[0]).toBe('2026-06-01T07:00:00.000Z');
      expect(starts(winter)[0]).toBe('2026-12-07T08:00:00.000Z');
    });
  });
});
