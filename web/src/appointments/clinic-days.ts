/**
 * Calendar days in the clinic's time zone, whatever the reader's own zone: a receptionist abroad
 * and a customer on holiday see the same "today" as the clinic. Local dates are YYYY-MM-DD.
 */

const partsFormat = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: number, timeZone: string): Record<string, number> {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormat.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return parts;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallClock(instant, timeZone);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(instant / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local date of an instant in the zone. */
export function localDateOf(instant: Date | string, timeZone: string): string {
  const p = wallClock(new Date(instant).getTime(), timeZone);
  return `${p.year}-${pad(p.month!)}-${pad(p.day!)}`;
}

export const todayIn = (timeZone: string) => localDateOf(new Date(), timeZone);

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant a local date and wall-clock time (HH:MM) is in the zone. */
export function localInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const wallUtc = Date.UTC(y, m - 1, d, hours, minutes);
  // The second pass takes the offset at the answer itself, which differs when a DST change falls in between.
  const first = wallUtc - offsetAt(wallUtc, timeZone);
  return new Date(wallUtc - offsetAt(first, timeZone));
}

/** The instant a local date begins in the zone. */
export const startOfLocalDay = (date: string, timeZone: string): Date => localInstant(date, '00:00', timeZone);

/** [from, until) of a local date, as the calendar API takes them. */
export function dayBounds(date: string, timeZone: string): { from: string; until: string } {
  return {
    from: startOfLocalDay(date, timeZone).toISOString(),
    until: startOfLocalDay(addDays(date, 1), timeZone).toISOString(),
  };
}

export const isLocalDate = (value: string | null | undefined): value is string =>
  !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
