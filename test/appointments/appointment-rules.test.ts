import { describe, expect, it } from 'vitest';
import type { AppointmentStatus } from '../../src/appointments/appointment-moves.ts';
import { assertReschedulable, assertTransition } from '../../src/appointments/appointment-states.ts';
import { cancellationFee } from '../../src/appointments/cancellation-fee.ts';
import { AppError } from '../../src/errors/app-error.ts';

const DEFAULT_POLICY = [
  { hoursBefore: 24, feePercent: 50 },
  { hoursBefore: 12, feePercent: 75 },
  { hoursBefore: 6, feePercent: 100 },
];
const start = new Date('2026-06-10T10:00:00Z');
const hoursBefore = (h: number) => new Date(start.getTime() - h * 3_600_000);

describe('cancellation fee', () => {
  it.each([
    [30, 0],
    [24, 0],
    [23.9, 50],
    [12.5, 50],
    [11, 75],
    [6, 75],
    [5.5, 100],
    [-1, 100],
  ])('%s hours before start costs %s%% of the price', (hours, percent) => {
    const fee = cancellationFee(150_000, start, hoursBefore(hours), DEFAULT_POLICY);
    expect(fee.feePercent).toBe(percent);
    expect(fee.feeSatang).toBe((150_000 * percent) / 100);
  });

  it('rounds to whole satang', () => {
    expect(cancellationFee(999, start, hoursBefore(20), DEFAULT_POLICY).feeSatang).toBe(500);
  });

  it('a clinic with no fee tiers charges nothing', () => {
    expect(cancellationFee(150_000, start, hoursBefore(1), []).feeSatang).toBe(0);
  });
});

describe('appointment states', () => {
  const staffMove =
    (from: AppointmentStatus, to: AppointmentStatus, now = new Date('2026-06-10T11:00:00Z')) =>
    () =>
      assertTransition(from, to, 'receptionist', start, now);

  it.each([
    ['scheduled', 'confirmed'],
    ['scheduled', 'cancelled'],
    ['confirmed', 'in_progress'],
    ['confirmed', 'cancelled'],
    ['confirmed', 'no_show'],
    ['in_progress', 'completed'],
  ] as const)('staff may move %s → %s', (from, to) => {
    expect(staffMove(from, to)).not.toThrow();
  });

  it.each([
    ['scheduled', 'completed'],
    ['scheduled', 'no_show'],
    ['completed', 'cancelled'],
    ['cancelled', 'confirmed'],
    ['no_show', 'completed'],
    ['in_progress', 'cancelled'],
  ] as const)('%s → %s is a 409 naming the current state', (from, to) => {
    try {
      staffMove(from, to)();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid-transition');
      expect((error as AppError).extra.currentStatus).toBe(from);
      expect((error as AppError).message).toContain(from);
    }
  });

  it('a no-show cannot be recorded before the start time', () => {
    expect(staffMove('confirmed', 'no_show', hoursBefore(1))).toThrow(/after the start/);
  });

  it('a customer may cancel but not confirm or complete', () => {
    expect(() => assertTransition('scheduled', 'cancelled', 'customer', start, hoursBefore(48))).not.toThrow();
    expect(() => assertTransition('scheduled', 'confirmed', 'customer', start, hoursBefore(48))).toThrow(AppError);
  });

  it('only appointments that have not begun can be rescheduled', () => {
    expect(() => assertReschedulable('confirmed')).not.toThrow();
    expect(() => assertReschedulable('in_progress')).toThrow(/cannot be rescheduled/);
  });
});
