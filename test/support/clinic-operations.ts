import { DateTime } from 'luxon';
import type { HttpClient } from './http-client.ts';

export const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));

/** A treatment that a staff member performs on the given weekly hours, set up through the API as a manager would. */
export async function setUpBookableTreatment(
  manager: HttpClient,
  staffUserId: string,
  overrides: {
    durationMinutes?: number;
    bufferBeforeMinutes?: number;
    bufferAfterMinutes?: number;
    priceSatang?: number;
    weeklyHours?: typeof ALL_WEEK;
  } = {},
): Promise<{ id: string }> {
  const treatment = await manager.post('/api/treatments', {
    name: { en: 'Hydrating facial', th: 'ทรีทเมนต์หน้าใส' },
    category: 'facial',
    durationMinutes: overrides.durationMinutes ?? 60,
    priceSatang: overrides.priceSatang ?? 150_000,
    bufferBeforeMinutes: overrides.bufferBeforeMinutes ?? 0,
    bufferAfterMinutes: overrides.bufferAfterMinutes ?? 0,
  });
  if (treatment.status !== 201) throw new Error(`treatment: ${treatment.status} ${JSON.stringify(treatment.body)}`);
  const hours = await manager.put(`/api/staff/${staffUserId}/working-hours`, { weeklyHours: overrides.weeklyHours ?? ALL_WEEK });
  if (hours.status !== 204) throw new Error(`hours: ${hours.status} ${JSON.stringify(hours.body)}`);
  const skills = await manager.put(`/api/staff/${staffUserId}/treatments`, { treatmentIds: [treatment.body.id] });
  if (skills.status !== 204) throw new Error(`skills: ${skills.status} ${JSON.stringify(skills.body)}`);
  return treatment.body;
}

/** A local date some days from now in the zone, far enough to clear any minimum notice. */
export function localDateInDays(days: number, zone = 'Asia/Bangkok'): string {
  return DateTime.now().setZone(zone).plus({ days }).toISODate()!;
}

/** The instant of a local wall time in a zone. */
export function localInstant(date: string, time: string, zone = 'Asia/Bangkok'): string {
  return DateTime.fromISO(`${date}T${time}`, { zone }).toUTC().toISO({ suppressMilliseconds: false })!;
}
